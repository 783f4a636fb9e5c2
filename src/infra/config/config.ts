import type { LogLevel } from "@shared/logger.ts";
import type { Secret } from "@shared/secret.ts";
import type { SigningKey } from "../crypto/signing_key.ts";
import type { HomeLayout } from "./home.ts";
import type { Services } from "./services.ts";

/** The merged, validated, frozen runtime configuration: profile + secrets + credentials + services. */
export interface Config {
  readonly layout: HomeLayout;
  readonly server: ServerConfig;
  readonly database: DatabaseConfig;
  readonly paths: { readonly services: string; readonly data: string; readonly logs: string };
  readonly security: SecurityConfig;
  readonly logLevel: LogLevel;
  readonly secrets: SecretsConfig;
  /** Newest first: the first signs, all verify. */
  readonly signingKeys: readonly SigningKey[];
  readonly services: Services;
  /** The validated profile as written (for `admin config show`). */
  readonly profile: Readonly<Record<string, unknown>>;
}

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly externalUrl: string;
  readonly corsAllowedOrigins: readonly string[];
  readonly trustedProxies: readonly string[];
  readonly bodyLimitBytes: number;
  /**
   * An HTTP proxy is set for outbound calls (`HTTP_PROXY` / `ALL_PROXY`, either case): plain-HTTP
   * upstreams then go through `fetch`, which honours it, instead of the gateway's own client.
   */
  readonly egressProxy: boolean;
}

export type DatabaseConfig =
  | { readonly kind: "embedded"; readonly dataDir: string }
  | {
    readonly kind: "server";
    readonly url: Secret;
    readonly source: "DATABASE_URL" | "secrets.json";
    readonly pool: number;
    readonly connectTimeoutSeconds: number;
  };

export interface SecurityConfig {
  readonly jwtIssuer: string;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  readonly audiences: readonly string[];
  readonly allowRegistration: boolean;
}

export type MasterKeySource = "systemd-credential" | "SYSTEMPROMPT_MASTER_KEY" | "secrets.json";

export interface SecretsConfig {
  readonly masterKey: Secret;
  readonly masterKeySource: MasterKeySource;
  readonly tokenPepper: Secret;
}
