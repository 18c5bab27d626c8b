/** How repeatable options add up, for commander's `.option(flags, description, parser, initial)`. */

/** `-t a,b -t c` → ["a", "b", "c"] */
export const list = (value: string, previous: string[] = []) => [...previous, ...value.split(",").map((s) => s.trim()).filter(Boolean)];

/** `-i a -i b` → ["a", "b"] */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `-vvv` → 3 */
export const increase = (_: string, previous: number) => previous + 1;
