/** Lists larger than this are queried in slices, well under SQLite's bound-variable limit. */
const IN_LIST_SLICE = 500;

/** Runs an `in (…)` query over `items` a slice at a time and joins the rows. */
export async function inSlices<T, R>(items: readonly T[], run: (slice: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += IN_LIST_SLICE) out.push(...(await run(items.slice(i, i + IN_LIST_SLICE))));
  return out;
}
