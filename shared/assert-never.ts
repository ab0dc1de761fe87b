/** For the default branch of a switch over a union: a new member fails the type-check here instead of falling through. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
