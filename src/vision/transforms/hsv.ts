// The last step of HSV -> RGB, shared by PIL's 8-bit hsv2rgb and torchvision's
// float _hsv2rgb: which of v, p, q, t each channel takes in the six hue sectors.

/**
 * (r, g, b) for hue sector `i` (floor(h * 6), taken mod 6) of a colour with value
 * `v`, and p = v(1 - s), q = v(1 - s f), t = v(1 - s (1 - f)), f = h * 6 - i.
 */
export function hsvSectorToRgb(i: number, v: number, p: number, q: number, t: number): [number, number, number] {
  switch (((i % 6) + 6) % 6) {
    case 0:
      return [v, t, p];
    case 1:
      return [q, v, p];
    case 2:
      return [p, v, t];
    case 3:
      return [p, q, v];
    case 4:
      return [t, p, v];
    default:
      return [v, p, q];
  }
}
