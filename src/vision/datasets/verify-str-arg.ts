// torchvision's verify_str_arg, which datasets use for their split/year/what arguments.

/** `value` if it is one of `valid`, else torchvision's ValueError message. */
export function verifyStrArg<T extends string>(value: string, arg: string, valid: readonly T[]): T {
  if (!(valid as readonly string[]).includes(value)) throw new Error(`Unknown value '${value}' for argument ${arg}. Valid values are {${valid.map((v) => `'${v}'`).join(', ')}}.`);
  return value as T;
}
