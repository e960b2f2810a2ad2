/**
 * A closed list of values and the French label of each, written once: the values are the labels'
 * keys, in the order they are written (for the API's enums and the documents' listings).
 */
export function labelledValues<const K extends string>(labels: Record<K, string>) {
  return { values: Object.keys(labels) as [K, ...K[]], labels };
}
