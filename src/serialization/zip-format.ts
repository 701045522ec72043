// Constants of the zip format (PKWARE APPNOTE) shared by zip-reader.ts and zip-writer.ts.

/** Record signatures ("PK\3\4", "PK\1\2", …), little-endian u32. */
export const LOCAL_HEADER = 0x04034b50;
export const CENTRAL_HEADER = 0x02014b50;
export const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
export const ZIP64_END = 0x06064b50;
export const ZIP64_LOCATOR = 0x07064b50;

/** A 32-bit (16-bit) field holding this value means "see the zip64 record". */
export const MAX32 = 0xffffffff;
export const MAX16 = 0xffff;

/** The id of the zip64 extended-information extra field. */
export const ZIP64_FIELD = 0x0001;

/** Bytes of a local file header before its name and extra field. */
export const LOCAL_HEADER_SIZE = 30;
