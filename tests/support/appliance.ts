import { PERMISSIONS, V8_FLAGS } from "../../scripts/compile.ts";
import { buildRuntimeBundle } from "../../scripts/runtime_bundle.ts";
import { VERSION } from "@shared/version.ts";
import { REPO_ROOT } from "./process.ts";

/**
 * Helpers of the appliance tests: shell commands, the runtime bundle built from this checkout (the
 * artifact `deno task compile` makes here, with its .sha256), the service user's ids, snapshots of
 * installed trees, and the bits of a systemd unit needed to start a service the way systemd would.
 */
export const USER = "systemprompt";
export const textOf = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Runs a command to completion with no standard input (so install.sh sees no terminal). */
export async function sh(cmd: string, args: string[]) {
  const out = await new Deno.Command(cmd, { args, stdin: "null", stdout: "piped", stderr: "piped" }).output();
  return { code: out.code, stdout: textOf(out.stdout), stderr: textOf(out.stderr) };
}

export const exists = async (cmd: string) => (await sh("sh", ["-c", `command -v ${cmd}`])).code === 0;
export const present = (path: string) => Deno.lstat(path).then(() => true, () => false);
export const userExists = async () => (await sh("getent", ["passwd", USER])).code === 0;

/** `systemd-analyze` (systemd 252 works offline); installed from apt when missing. */
export async function ensureSystemdAnalyze(): Promise<boolean> {
  if (await exists("systemd-analyze")) return true;
  if (!await exists("apt-get")) return false;
  await sh("apt-get", ["install", "-y", "--no-install-recommends", "systemd"]);
  return await exists("systemd-analyze");
}

/** The runtime bundle of this checkout and its sha256sum file, as `deno task compile` builds them here. */
export async function buildBundle(dir: string): Promise<string> {
  const name = `systemprompt-${VERSION}-linux-x64`;
  const output = `${dir}/${name}`;
  await buildRuntimeBundle({
    root: `${REPO_ROOT}/`,
    entry: `${REPO_ROOT}/main.ts`,
    output,
    permissions: [...PERMISSIONS, V8_FLAGS],
    version: VERSION,
  });
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await Deno.readFile(output)));
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  await Deno.writeTextFile(`${output}.sha256`, `${hex}  ${name}\n`);
  return output;
}

export async function ids(): Promise<{ uid: number; gid: number }> {
  const [passwd, group] = await Promise.all([sh("getent", ["passwd", USER]), sh("getent", ["group", USER])]);
  return { uid: Number(passwd.stdout.split(":")[2]), gid: Number(group.stdout.split(":")[2]) };
}

/** Every file and directory below `dir` (not following links): content hash, mode, owner. */
export async function snapshot(root: string, paths: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const visit = async (path: string) => {
    const info = await Deno.lstat(`${root}/${path}`);
    const meta = `${(info.mode! & 0o7777).toString(8)} ${info.uid}:${info.gid}`;
    if (info.isDirectory) {
      out[path] = meta;
      for await (const entry of Deno.readDir(`${root}/${path}`)) await visit(`${path}/${entry.name}`);
    } else if (info.isFile) {
      const digest = new Uint8Array(
        await crypto.subtle.digest("SHA-256", await Deno.readFile(`${root}/${path}`)),
      );
      out[path] = `${meta} ${
        Array.from(digest.slice(0, 12), (b) => b.toString(16).padStart(2, "0")).join("")
      }`;
    } else {
      out[path] = `${meta} -> ${await Deno.readLink(`${root}/${path}`)}`;
    }
  };
  for (const path of paths) await visit(path);
  return out;
}

export interface Unit {
  readonly exec: string[];
  readonly env: Record<string, string>;
  readonly user: string;
  readonly cwd: string;
  readonly credential: string;
}

export function parseUnit(text: string): Unit {
  const values = (key: string) =>
    text.split("\n").filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));
  const env = Object.fromEntries(
    values("Environment").map((v) => [v.split("=")[0]!, v.slice(v.indexOf("=") + 1)]),
  );
  return {
    exec: values("ExecStart")[0]!.split(" "),
    env,
    user: values("User")[0]!,
    cwd: values("WorkingDirectory")[0]!,
    credential: values("LoadCredential")[0]!.replace(/^master_key:/, ""),
  };
}

export async function waitFor<T>(what: string, probe: () => T | undefined, ms: number): Promise<T> {
  for (
    const deadline = Date.now() + ms;
    Date.now() < deadline;
    await new Promise((r) => setTimeout(r, 100))
  ) {
    const value = probe();
    if (value !== undefined) return value;
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Starts the service the way systemd would: the unit's user, environment, credential and notify socket. */

export interface NotifyMessage {
  readonly text: string;
  readonly at: number;
}

/** A stand-in for systemd's notify socket: every datagram sent to `path`, with its arrival time. */
export async function openNotifySocket(
  path: string,
): Promise<{ messages: NotifyMessage[]; close(): Promise<void> }> {
  const conn = Deno.listenDatagram({ transport: "unixpacket", path });
  await Deno.chmod(path, 0o777); // the service may run as another user
  const messages: NotifyMessage[] = [];
  const receiving = (async () => {
    try {
      for (;;) messages.push({ text: textOf((await conn.receive())[0]), at: Date.now() });
    } catch { /* closed */ }
  })();
  return {
    messages,
    close: async () => {
      conn.close();
      await receiving;
    },
  };
}

/** Install tests share the machine's one "systemprompt" user: each holds this lock while it runs. */
export async function machineLock(): Promise<AsyncDisposable> {
  const file = await Deno.open("/tmp/systemprompt-appliance-test.lock", {
    create: true,
    write: true,
    mode: 0o600,
  });
  await file.lock(true);
  return {
    [Symbol.asyncDispose]: async () => {
      await file.unlock();
      file.close();
    },
  };
}
