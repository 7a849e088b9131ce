import { describe, expect, it } from "vitest";
import { runTlbl } from "../helpers.js";

const tlbl = (...args: string[]) => runTlbl(args);

interface Listed {
  readonly id: string;
  readonly kind: string;
  readonly proc: string;
  readonly what: string;
}

const listed = (): Listed[] => JSON.parse(tlbl("mutate", "--list", "--json").stdout) as Listed[];

describe("tlbl mutate (CLI)", () => {
  it("--list names every site as FILE:PROC:LINE; --kind and --shard split them", () => {
    const all = listed();
    expect(all.length).toBeGreaterThan(50);
    for (const s of all) expect(s.id).toMatch(/^src\/kernel\/\w+\.tlb:\w+:\d+$/);
    const flushes = tlbl("mutate", "--list", "--kind", "flush").stdout.trim().split("\n");
    expect(flushes).toHaveLength(all.filter((s) => s.kind === "flush").length);
    const shards = [1, 2, 3].map((i) => tlbl("mutate", "--list", "--shard", `${i}/3`).stdout);
    const lines = shards.flatMap((s) => s.trim().split("\n"));
    expect(lines.sort()).toEqual(tlbl("mutate", "--list").stdout.trim().split("\n").sort());
  });

  it("an unknown site or kind is bad input: every problem, a suggestion, exit 2", () => {
    const site = listed().find((s) => s.proc === "move_ptes" && s.kind === "flush")!;
    const r = tlbl(
      "mutate",
      "--site",
      site.id.replace(/:(\d+)$/, ":9999"),
      "--kind",
      "flushes",
      "scenarios",
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("no protective site");
    expect(r.stderr).toContain("did you mean");
    expect(r.stderr).toContain("no site kind flushes");
    expect(tlbl("mutate").status).toBe(2);
  });

  it("--site runs one site; --jobs 2 gives the same report as one job", () => {
    const site = listed().find(
      (s) => s.proc === "move_page_tables" && s.what === "flush_tlb_range(old)",
    )!;
    const seed = "scenarios/mremap-vs-page-mkclean.tlb";
    const text = tlbl("mutate", "--site", site.id, seed);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain(site.id);
    expect(text.stdout).toMatch(/Mutation score: \d+ caught \/ 1 reached/);
    const strip = (out: string) => {
      const r = JSON.parse(out) as { results: { timeMs?: number }[]; timeMs?: number };
      return r.results.map(({ timeMs: _t, ...rest }) => rest);
    };
    const one = tlbl("mutate", "--json", "--kind", "flush", "--shard", "1/12", seed);
    const two = tlbl("mutate", "--json", "--jobs", "2", "--kind", "flush", "--shard", "1/12", seed);
    expect(two.status).toBe(0);
    expect(strip(two.stdout)).toEqual(strip(one.stdout));
  });
});
