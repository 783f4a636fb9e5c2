/** Reads a JSON input from stdin (how the orchestrator passes parameters to a child script). */
export async function readInput<T>(): Promise<T> {
  return JSON.parse(await new Response(Deno.stdin.readable).text()) as T;
}
