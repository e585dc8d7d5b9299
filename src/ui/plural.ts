/** "1 student", "1,200 students": a count and its noun, as every page writes one. */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
