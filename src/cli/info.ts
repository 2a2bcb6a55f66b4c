import type { Model } from "../load-model.js";
import { architectureNamed } from "../models/registry.js";
import type { Output } from "./render.js";
import { DEFAULT_COLUMNS } from "./terminal-width.js";
import { wrapLine } from "./text-width.js";

/** `nextoken info`: what a checkpoint is. */
export function printInfo(model: Model, out: Output, json: boolean): void {
  const { config, info, tokenizer } = model;
  const special = [
    tokenizer.bosTokenId === undefined
      ? undefined
      : `BOS ${tokenizer.bosTokenId} ${JSON.stringify(tokenizer.tokenToString(tokenizer.bosTokenId))}`,
    ...tokenizer.eosTokenIds.map((id) => `EOS ${id} ${JSON.stringify(tokenizer.tokenToString(id))}`),
  ].filter((s): s is string => s !== undefined);
  if (json) {
    out.write(
      JSON.stringify(
        {
          ...info,
          config,
          tokenizer: {
            vocabSize: tokenizer.vocabSize,
            bosTokenId: tokenizer.bosTokenId,
            eosTokenIds: tokenizer.eosTokenIds,
          },
          generationConfig: model.generationConfig,
        },
        null,
        2,
      ) + "\n",
    );
    return;
  }
  const rows: Array<[string, string]> = [
    ["source", info.source],
    ["format", info.format],
    [
      "file size",
      `${info.fileBytes.toLocaleString("en-US")} bytes (${(info.fileBytes / 2 ** 20).toFixed(2)} MiB)`,
    ],
    ["architecture", config.architecture],
    ["parameters", `${info.parameters.toLocaleString("en-US")} (${humanCount(info.parameters)})`],
    [
      "dtypes",
      Object.entries(info.dtypes)
        .map(([d, n]) => `${d} ${humanCount(n)}`)
        .join(", "),
    ],
    ["layers", String(config.nLayers)],
    ["hidden size", String(config.hiddenSize)],
    ["feed-forward", String(config.intermediateSize)],
    ["heads", `${config.nHeads} query, ${config.nKvHeads} key/value, head size ${config.headDim}`],
    ["context length", String(config.contextLength)],
    ["vocabulary", `${config.vocabSize} (tokenizer ${tokenizer.vocabSize})`],
    ["special tokens", special.join(", ") || "none"],
    ["norm eps", String(config.normEps)],
  ];
  if (config.ropeTheta > 0) rows.push(["rope theta", String(config.ropeTheta)]);
  if (config.ropeScaling) rows.push(["rope scaling", JSON.stringify(config.ropeScaling)]);
  rows.push(["tied head", config.tiedEmbeddings ? "yes" : "no"]);
  // the architecture's own parts: experts, sliding window, soft-cap, partial rotary, q/k norm
  rows.push(...(architectureNamed(config.architecture).describe?.(config) ?? []));
  if (Object.keys(model.generationConfig).length > 0)
    rows.push(["generation defaults", JSON.stringify(model.generationConfig)]);
  for (const [key, value] of Object.entries(info.metadata)) rows.push([key, value]);
  const keyWidth = Math.max(...rows.map(([k]) => k.length));
  const columns = out.columns ?? DEFAULT_COLUMNS;
  for (const [key, value] of rows) {
    // long values (generation defaults, metadata) continue under the value column
    out.write(wrapLine(`${key.padEnd(keyWidth)}  ${value}`, columns, keyWidth + 2).join("\n") + "\n");
  }
}

function humanCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}
