/** Options a scenario may turn on with `option NAME [on|off]`, or the CLI with `--option`. */
export const knownOptions: Readonly<Record<string, string>> = {
  tlb_evict:
    "the hardware may drop any TLB entry at any time (an access may miss where it would hit)",
};
