// Trains the built-in default model into models/default/: the King James Bible (public domain), from
// Debian's bible-kjv package, through `nextoken train`. Run with `npm run train:default` after a build.
// Re-running continues an unfinished run (--resume) and otherwise starts over (--force).
// Options are fixed here so the model can be reproduced; see models/default/README.md for the result.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../dist/formats/atomic-write.js";
import { CHECKPOINT_FILE, loadCheckpoint } from "../dist/train/checkpoint.js";

const OUT = "models/default";
const SIZES = {
  layers: 4,
  dim: 128,
  heads: 4,
  context: 128,
  vocab: 2048,
  batch: 8,
  steps: 1300,
  lr: 0.003,
  warmup: 30,
  seed: 1,
  "eval-every": 100,
  "eval-windows": 16,
  "checkpoint-every": 100,
};
const threads = process.env.THREADS ?? "2";
const KJV_NOTE = `The King James Version of the Bible (1611; the text of Debian's \`bible-kjv\` package 4.38,
dumped with its \`bible\` command): verse text one verse per line, verse numbers removed, chapter
headings ("Genesis 1") kept. **Public domain**: Debian's copyright file for the package states that
"the copyright for the King James Version text of the Bible is expired". (The package's software is
GPL-2+; only its text is used here.)`;

function which(command) {
  return spawnSync("sh", ["-c", `command -v ${command}`]).status === 0;
}

if (!which("bible")) {
  console.error(
    "the `bible` command is missing: installing Debian's bible-kjv package (apt-get install -y bible-kjv)",
  );
  spawnSync("apt-get", ["update"], { stdio: "inherit" }); // a fresh image has no package lists
  const apt = spawnSync("apt-get", ["install", "-y", "bible-kjv"], { stdio: "inherit" });
  if (apt.status !== 0) {
    console.error(
      "could not install bible-kjv; install it (as root: apt-get install -y bible-kjv) and run again",
    );
    process.exit(1);
  }
}

// `bible -l10000` prints every verse on one line as "  N text" under "Book N" chapter headings
const raw = execFileSync("bible", ["-l10000", "Gen1:1-Rev22:21"], { encoding: "utf8", maxBuffer: 64 << 20 });
const lines = [];
for (const line of raw.split("\n")) {
  const verse = /^\s+\d+ (.*)$/.exec(line);
  if (verse) lines.push(verse[1].trim());
  else if (line.trim() !== "") lines.push("", line.trim(), "");
}
const text =
  lines
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim() + "\n";

// an unfinished run's checkpoint, read (and checked) before anything is written
const checkpointPath = join(OUT, CHECKPOINT_FILE);
const saved = existsSync(checkpointPath) ? (await loadCheckpoint(checkpointPath)).state : undefined;
const sameRun = (options) =>
  Object.entries(SIZES).every(
    ([flag, value]) => options[flag.replace(/-(.)/g, (_, c) => c.toUpperCase())] === value,
  );
const dir = mkdtempSync(join(tmpdir(), "nextoken-kjv-"));
const corpus = join(dir, "kjv.txt");
writeFileSync(corpus, text);
console.error(`corpus: ${corpus} (${Buffer.byteLength(text)} bytes)`);

// One run on a cosine schedule, reproducible bit for bit; a re-run resumes an unfinished one (also
// one that died after its last checkpoint, while exporting) if it was started with these SIZES.
const base = ["dist/cli/main.js", "train", "--corpus", corpus, "--out", OUT, "--threads", threads];
if (saved && saved.step <= SIZES.steps && sameRun(saved.options)) {
  train([...base, "--resume"]);
} else {
  const fresh = [
    "--force",
    ...Object.entries(SIZES).flatMap(([flag, value]) => [`--${flag}`, String(value)]),
  ];
  train([...base, ...fresh]);
}
rmSync(dir, { recursive: true, force: true });
await addToCard();
// the package ships the model, not the optimizer state (3× its size)
if (!process.argv.includes("--keep-checkpoint")) rmSync(checkpointPath, { force: true });

/** The card's corpus section names the source and licence; samples show what the model writes. */
async function addToCard() {
  const cardPath = join(OUT, "README.md");
  let card = readFileSync(cardPath, "utf8");
  card = card.replace(/- `kjv\.txt`/, KJV_NOTE);
  const samples = [];
  for (const prompt of ["In the beginning", "And Jesus said"]) {
    for (const [label, flags] of [
      ["greedy", ["--temperature", "0"]],
      ["sampled (generation_config.json defaults, seed 1)", ["--seed", "1"]],
    ]) {
      const out = execFileSync(
        process.execPath,
        ["dist/cli/main.js", "generate", "--model", OUT, "-n", "60", ...flags, prompt],
        { encoding: "utf8" },
      );
      samples.push(`${label}, \`${prompt}\`:\n\n> ${out.trim().replace(/\n/g, "\n> ")}\n`);
    }
  }
  card = card.replace(/\n## Samples[\s\S]*?(?=\n## Use)/, "");
  card = card.replace("\n## Use", `\n## Samples\n\n${samples.join("\n")}\n## Use`);
  await writeFileAtomic(cardPath, card);
}

function train(args) {
  const run = spawnSync(process.execPath, args, { stdio: "inherit" });
  if (run.status !== 0) {
    rmSync(dir, { recursive: true, force: true }); // the temporary corpus; the checkpoint stays for --resume
    process.exit(run.status ?? 1);
  }
}
