/** The order homerooms are listed in on every page: "7A" before "10A", as a school counts them, not as text sorts. */
export const byHomeroom = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });
