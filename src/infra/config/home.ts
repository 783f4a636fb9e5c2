import { isAbsolute, join, resolve } from "node:path";

/**
 * Where a profile's files live. Home is `$SYSTEMPROMPT_HOME`, else `./.systemprompt`; the
 * profile is `--profile`, else `$SYSTEMPROMPT_PROFILE`, else `local`.
 */
export interface HomeLayout {
  readonly home: string;
  readonly profileName: string;
  readonly profileDir: string;
  readonly profileFile: string;
  readonly secretsFile: string;
  readonly credentialsDir: string;
  readonly adminTokenFile: string;
  readonly adminSocket: string;
}

export interface HomeInput {
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly profile?: string | undefined;
}

export function resolveHome(input: HomeInput): HomeLayout {
  const home = resolve(input.cwd, input.env["SYSTEMPROMPT_HOME"] || ".systemprompt");
  const profileName = input.profile || input.env["SYSTEMPROMPT_PROFILE"] || "local";
  const profileDir = join(home, "profiles", profileName);
  return {
    home,
    profileName,
    profileDir,
    profileFile: join(profileDir, "profile.yaml"),
    secretsFile: join(profileDir, "secrets.json"),
    credentialsDir: join(profileDir, "credentials"),
    adminTokenFile: join(home, "admin.token"),
    adminSocket: join(home, `admin-${profileName}.sock`),
  };
}

/** Profile paths are relative to the home directory unless absolute. */
export function resolveFromHome(home: string, path: string): string {
  return isAbsolute(path) ? path : resolve(home, path);
}
