/** Messaging, payments and social: Slack, Stripe, Twilio, SendGrid, Discord, Telegram, Square… */
import { isPlaceholderToken } from "./quality.ts";
import { patternRule, type Rule } from "./rule.ts";

const HEX = "0123456789abcdef";
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

export const SAAS_RULES: readonly Rule[] = [
  patternRule({
    id: "slack-bot-token",
    name: "Slack Bot Token",
    keywords: ["xoxb-"],
    pattern: /(?<![A-Za-z0-9])xoxb-\d{8,13}-(?:\d{8,13}-)?[A-Za-z0-9]{20,34}/,
  }),
  patternRule({
    id: "slack-user-token",
    name: "Slack User Token",
    keywords: ["xoxp-", "xoxe-", "xoxe."],
    pattern: /(?<![A-Za-z0-9])xox[pe](?:\.xox[pe])?-\d{1,13}-[\w-]{20,}/,
  }),
  patternRule({
    id: "slack-app-token",
    name: "Slack App Token",
    keywords: ["xapp-", "xoxa-", "xoxr-"],
    pattern: /(?<![A-Za-z0-9])(?:xapp|xox[ar])-\d{1,13}-[\w/-]{20,}/,
  }),
  patternRule({
    id: "slack-webhook",
    name: "Slack Webhook URL",
    keywords: ["hooks.slack.com"],
    pattern:
      /hooks\.slack\.com\/(?:services|workflows|triggers)\/T[A-Z0-9]{8,12}\/[AB][A-Z0-9]{8,12}\/[A-Za-z0-9]{20,32}/,
  }),
  patternRule({
    id: "stripe-secret-key",
    name: "Stripe Secret Key",
    keywords: ["sk_live_"],
    pattern: /(?<![A-Za-z0-9])sk_live_[A-Za-z0-9]{20,247}/,
  }),
  patternRule({
    id: "stripe-test-secret-key",
    name: "Stripe Test Secret Key",
    keywords: ["sk_test_"],
    pattern: /(?<![A-Za-z0-9])sk_test_[A-Za-z0-9]{20,247}/,
    confidence: "low",
  }),
  patternRule({
    id: "stripe-restricted-key",
    name: "Stripe Restricted Key",
    keywords: ["rk_live_", "rk_test_"],
    pattern: /(?<![A-Za-z0-9])rk_(?:live|test)_[A-Za-z0-9]{20,247}/,
  }),
  patternRule({
    id: "stripe-webhook-secret",
    name: "Stripe Webhook Secret",
    keywords: ["whsec_"],
    pattern: /(?<![A-Za-z0-9])whsec_[A-Za-z0-9+/]{32,}/,
  }),
  patternRule({
    id: "twilio-api-key",
    name: "Twilio API Key",
    keywords: [...HEX].map((h) => `sk${h}`),
    pattern: /(?<![A-Za-z0-9/+])SK[0-9a-fA-F]{32}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "twilio-account-sid",
    name: "Twilio Account SID",
    keywords: [...HEX].map((h) => `ac${h}`),
    pattern: /(?<![A-Za-z0-9/+])AC[0-9a-f]{32}(?![A-Za-z0-9])/,
    confidence: "low",
  }),
  patternRule({
    id: "twilio-auth-token",
    name: "Twilio Auth Token",
    keywords: ["twilio"],
    pattern: /twilio[\w-]{0,20}?(?:auth_?token|secret)["']?\s*[:=,]\s*["']?(?<s>[0-9a-f]{32})(?![0-9a-f])/di,
  }),
  patternRule({
    id: "sendgrid-api-key",
    name: "SendGrid API Key",
    keywords: ["sg."],
    pattern: /(?<![A-Za-z0-9])SG\.[\w-]{22}\.[\w-]{43}(?![\w-])/,
    confidence: "certain",
  }),
  patternRule({
    id: "mailgun-api-key",
    name: "Mailgun API Key",
    keywords: ["key-"],
    pattern: /(?<![A-Za-z0-9-])key-[0-9a-f]{32}(?![A-Za-z0-9-])/,
  }),
  patternRule({
    id: "mailgun-api-key",
    name: "Mailgun API Key",
    keywords: ["-"],
    minRun: 50, // 32 + 1 + 8 + 1 + 8
    pattern: /-[0-9a-f]{8}-[0-9a-f]{8}(?![A-Za-z0-9-])/,
    extendLeft: /(?<![A-Za-z0-9-])[0-9a-f]{32}$/,
  }),
  patternRule({
    id: "mailchimp-api-key",
    name: "Mailchimp API Key",
    keywords: ["-us"],
    pattern: /-us\d{1,2}(?![A-Za-z0-9])/,
    extendLeft: /(?<![A-Za-z0-9])[0-9A-Za-z]{32}$/,
  }),
  patternRule({
    id: "brevo-api-key",
    name: "Brevo API Key",
    keywords: ["xkeysib-", "xsmtpsib-"],
    pattern: /(?<![A-Za-z0-9])(?:xkeysib|xsmtpsib)-[0-9a-f]{64}-[A-Za-z0-9]{16}/,
  }),
  patternRule({
    id: "postmark-server-token",
    name: "Postmark Server Token",
    keywords: ["postmark"],
    pattern: new RegExp(`postmark[\\w-]{0,24}?["']?\\s*[:=]\\s*["']?(?<s>${UUID})`, "di"),
  }),
  patternRule({
    id: "discord-token",
    name: "Discord Bot Token",
    keywords: ["."],
    minRun: 59, // 24 + 1 + 6 + 1 + 27
    pattern: /\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}(?![\w-])/,
    extendLeft: /(?<![\w-])[MNO][A-Za-z0-9_-]{23,27}$/,
  }),
  patternRule({
    id: "discord-webhook",
    name: "Discord Webhook URL",
    keywords: ["/api/webhooks/"],
    pattern: /discord(?:app)?\.com\/api\/webhooks\/\d{17,20}\/[\w-]{60,70}/,
  }),
  patternRule({
    id: "telegram-bot-token",
    name: "Telegram Bot Token",
    keywords: [":aa"],
    pattern: /:AA[\w-]{30,35}(?![\w-])/,
    extendLeft: /(?<![\d:])\d{8,10}$/,
  }),
  patternRule({
    id: "shopify-token",
    name: "Shopify Access Token",
    keywords: ["shpat_", "shpss_", "shpca_", "shppa_"],
    pattern: /(?<![A-Za-z0-9])shp(?:at|ss|ca|pa)_[0-9a-fA-F]{32}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "square-token",
    name: "Square Access Token",
    keywords: ["sq0atp-", "sq0csp-", "sq0atb-", "eaaa"],
    pattern: /(?<![A-Za-z0-9])(?:sq0(?:atp|csp|atb)-[\w-]{22,43}|EAAA[\w-]{60})(?![\w-])/,
  }),
  patternRule({
    id: "paypal-braintree-token",
    name: "PayPal Braintree Access Token",
    keywords: ["access_token$production$"],
    pattern: /access_token\$production\$[a-z0-9]{16}\$[0-9a-f]{32}/,
  }),
  patternRule({
    id: "facebook-access-token",
    name: "Facebook Access Token",
    keywords: ["eaa"],
    pattern: /(?<![A-Za-z0-9])EAA(?!A)[A-Za-z0-9]{30,}/,
  }),
  patternRule({
    id: "facebook-access-token",
    name: "Facebook Access Token",
    keywords: ["|"],
    minRun: 43, // 15 + 1 + 27
    pattern: /\|[\w-]{27}(?![\w-])/,
    extendLeft: /(?<![\w-])\d{15,16}$/,
  }),
  patternRule({
    id: "instagram-access-token",
    name: "Instagram Access Token",
    keywords: ["igqv"],
    pattern: /(?<![A-Za-z0-9])IGQV[\w-]{100,}/,
  }),
  patternRule({
    id: "twitter-bearer-token",
    name: "Twitter Bearer Token",
    keywords: ["aaaaaaaaaaaaaaaaaaaaa"],
    pattern: /AAAAAAAAAAAAAAAAAAAA[A-Za-z0-9%]{30,}/,
    verify: (s, text, start) =>
      /[A-Za-z0-9]/.test(text[start - 1] ?? "") || isPlaceholderToken(s.replace(/^A+/, ""))
        ? undefined
        : "high",
  }),
  patternRule({
    id: "twitch-stream-key",
    name: "Twitch Stream Key",
    keywords: ["live_"],
    pattern: /(?<![A-Za-z0-9])live_\d{6,12}_[A-Za-z0-9]{30}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "dropbox-token",
    name: "Dropbox Access Token",
    keywords: ["sl."],
    pattern: /(?<![A-Za-z0-9])sl\.(?:u\.)?[\w-]{130,}/,
  }),
  patternRule({
    id: "dropbox-token",
    name: "Dropbox Access Token",
    keywords: ["aaaaaaaaaa"],
    pattern: /AAAAAAAAAA[\w=-]{43}(?![\w-])/,
    extendLeft: /(?<![A-Za-z0-9])[A-Za-z0-9]{11}$/,
  }),
  patternRule({
    id: "msteams-webhook",
    name: "Microsoft Teams Webhook URL",
    keywords: ["/incomingwebhook/"],
    pattern: new RegExp(
      `(?:outlook\\.office(?:365)?\\.com|\\.webhook\\.office\\.com)\\/webhook(?:b2)?\\/${UUID}@${UUID}\\/IncomingWebhook\\/[0-9a-f]{32}\\/${UUID}`,
      "",
    ),
  }),
  patternRule({
    id: "salesforce-access-token",
    name: "Salesforce Access Token",
    keywords: ["00d"],
    pattern: /(?<![A-Za-z0-9])00D[A-Za-z0-9]{12,15}![\w.]{80,}/,
  }),
];
