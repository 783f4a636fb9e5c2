import { AppError } from "@shared/errors.ts";
import type { Logger } from "@shared/logger.ts";

/**
 * The local admin channel: while a server holds the embedded database, CLI commands are sent to it
 * over a unix socket in the home directory (mode 0600: only the owner can connect) and run there.
 */
export interface ForwardRequest {
  readonly argv: readonly string[];
  /** The client's standard input, when the command read it (e.g. `admin secrets set --value-stdin`). */
  readonly stdin?: string;
}

export interface ForwardResponse {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export type ForwardRunner = (request: ForwardRequest) => Promise<ForwardResponse>;

export interface AdminChannel {
  close(): Promise<void>;
}

export async function openAdminChannel(path: string, run: ForwardRunner, log: Logger): Promise<AdminChannel> {
  await Deno.remove(path).catch(() => {});
  const server = Deno.serve({
    path,
    transport: "unix",
    onListen: () => {},
    onError: (error) => {
      log.error("admin_channel.error", { error });
      return Response.json({ code: 1, stdout: "", stderr: "internal error\n" }, { status: 500 });
    },
  }, async (request) => {
    if (request.method !== "POST" || new URL(request.url).pathname !== "/run") {
      return new Response("not found", { status: 404 });
    }
    const body = await request.json().catch(() => undefined) as ForwardRequest | undefined;
    if (
      !body || !Array.isArray(body.argv) || !body.argv.every((a) => typeof a === "string") ||
      (body.stdin !== undefined && typeof body.stdin !== "string")
    ) {
      return Response.json({ code: 2, stdout: "", stderr: "error: malformed admin channel request\n" });
    }
    log.info("admin_channel.command", { command: body.argv.filter((a) => !a.startsWith("-")).slice(0, 3) });
    return Response.json(await run(body));
  });
  await Deno.chmod(path, 0o600);
  return {
    close: async () => {
      await server.shutdown();
      await Deno.remove(path).catch(() => {});
    },
  };
}

export async function forwardCommand(
  path: string,
  argv: readonly string[],
  stdin?: string,
): Promise<ForwardResponse> {
  const client = Deno.createHttpClient({ proxy: { transport: "unix", path } });
  try {
    const response = await fetch("http://admin-channel/run", {
      method: "POST",
      body: JSON.stringify({ argv, stdin }),
      headers: { "content-type": "application/json" },
      client,
    });
    return await response.json() as ForwardResponse;
  } catch (error) {
    throw new AppError(
      "db.locked",
      "the embedded database is in use by another process and no server answers on the admin channel " +
        `(${path}); wait for that process to finish or start the server`,
      { cause: error },
    );
  } finally {
    client.close();
  }
}
