// The base of the transform classes: instances are callable (`t(img)`, as
// torchvision's), so they can be passed wherever a function is expected.

/* eslint-disable @typescript-eslint/no-unsafe-declaration-merging */
export interface Transform<I, O> {
  (input: I): O;
}

export abstract class Transform<I, O> {
  constructor() {
    const callable = ((input: I) => callable.forward(input)) as Transform<I, O>;
    Object.setPrototypeOf(callable, new.target.prototype);
    // The constructor returns the function, so subclass fields land on it.
    return callable;
  }

  abstract forward(input: I): O;

  toString(): string {
    return `${this.constructor.name}()`;
  }
}
