// Greedy decoding: always the most likely token after the processors (HF `_sample` with
// do_sample=False; penalties and bans apply, warpers do not run).
import { argmax } from "../distribution.js";
import type { Selector } from "./common.js";

/** The highest processed score; the lowest id on ties (as torch.argmax). */
export const greedy: Selector = (processed) => ({ token: argmax(processed) });
