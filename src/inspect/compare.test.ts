import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidOptionError } from "../errors.js";
import { DEFAULT_STRATEGIES, parseStrategies, parseStrategy } from "./compare.js";

const NEUTRAL_WARPERS = {
  temperature: 1,
  topK: 0,
  topP: 1,
  minP: 0,
  typicalP: 1,
  epsilonCutoff: 0,
  etaCutoff: 0,
};

test("the default strategies parse into greedy, beam search and five sampling runs", () => {
  const strategies = parseStrategies(DEFAULT_STRATEGIES);
  assert.deepEqual(
    strategies.map((s) => [s.spec, s.sampling]),
    [
      ["greedy", false],
      ["beam:4", false],
      ["top-k:40", true],
      ["top-p:0.9,t:0.8", true],
      ["t:0.7", true],
      ["t:1.5", true],
      ["min-p:0.05", true],
    ],
  );
  assert.deepEqual(strategies[0].options, {
    numBeams: 1,
    repetitionPenalty: 1,
    noRepeatNgramSize: 0,
    doSample: false,
  });
  assert.equal(strategies[1].options.numBeams, 4);
  assert.equal(strategies[1].options.doSample, false);
});

test("a sampling spec names its whole strategy: other warpers are neutral (no implicit top-k 50)", () => {
  assert.deepEqual(parseStrategy("top-p:0.9,t:0.8").options, {
    numBeams: 1,
    repetitionPenalty: 1,
    noRepeatNgramSize: 0,
    ...NEUTRAL_WARPERS,
    topP: 0.9,
    temperature: 0.8,
    doSample: true,
  });
  assert.equal(parseStrategy("sample").options.topK, 0);
  assert.equal(parseStrategy("sample").sampling, true);
  assert.equal(parseStrategy(" top-k:40 , rep:1.2 ").options.repetitionPenalty, 1.2);
  assert.equal(parseStrategy("temperature:0.5").options.temperature, 0.5);
});

test("t:0 is greedy and beam with a sampling term is beam sampling", () => {
  assert.equal(parseStrategy("t:0").sampling, false);
  const beamSampling = parseStrategy("beam:3,t:0.7");
  assert.equal(beamSampling.sampling, true);
  assert.equal(beamSampling.options.numBeams, 3);
  assert.equal(parseStrategy("greedy,no-repeat:3").options.noRepeatNgramSize, 3);
});

test("strategy spec errors name the spec and say what was expected", () => {
  const cases: Array<[string, RegExp]> = [
    [
      "top-q:3",
      /--strategies "top-q:3" must be made of known terms \(greedy, sample, beam:N.*\), got "top-q:3"/,
    ],
    ["top-k", /--strategies "top-k" must be "top-k:" followed by a number, got "top-k"/],
    ["top-k:abc", /"top-k:" followed by a number, got "top-k:abc"/],
    ["top-k:4.5", /--strategies "top-k:4.5" must be "top-k:" followed by an integer/],
    ["t:0.7:1", /followed by a number, got "t:0.7:1"/],
    ["greedy:2", /--strategies "greedy:2" must be "greedy" without a value/],
    ["t:0.7,t:0.8", /--strategies "t:0.7,t:0.8" must be free of repeated terms, got "t:0.8"/],
    ["greedy,t:0.7", /"greedy" alone/],
    ["greedy,beam:2", /"greedy" alone/],
    ["top-p:1.5", /--strategies "top-p:1.5": topP must be .*\[0, 1\].*got 1\.5/],
    ["beam:0", /--strategies "beam:0": numBeams must be/],
    ["t:-1", /--strategies "t:-1": temperature must be/],
  ];
  for (const [spec, message] of cases) {
    assert.throws(
      () => parseStrategy(spec),
      (e: unknown) => e instanceof InvalidOptionError && message.test(e.message),
      spec,
    );
  }
  assert.throws(() => parseStrategies("greedy;;t:1"), /--strategies "" must be a strategy/);
  assert.throws(() => parseStrategies(""), /--strategies must be specs separated by ";"/);
});
