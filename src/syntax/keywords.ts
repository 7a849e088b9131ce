/**
 * The words of the language, in one place: the lexer builds its keyword tokens from these lists
 * and test/grammar checks that grammar/tlb.tmLanguage.json highlights exactly the same words.
 */

/** Words that start a top-level declaration. */
export const declarationKeywords = [
  "tlb",
  "init",
  "thread",
  "kthread",
  "proc",
  "after",
  "schedule",
  "expect",
  "fix",
  "option",
] as const;

/** Words of statements and schedules. */
export const controlKeywords = [
  "if",
  "else",
  "for",
  "while",
  "in",
  "atomic",
  "label",
  "return",
  "skip",
  "until",
  "end",
  "step",
  "on",
  "off",
  "with",
] as const;

/** Words of the init block. */
export const initKeywords = ["file", "unmapped", "anon", "shared", "private"] as const;

/** Words with a meaning in one place that stay ordinary names elsewhere (`mmap` is also a step). */
export const contextualKeywords = ["mmap", "populate", "forked", "mthp", "pmd"] as const;

/**
 * Words of a proc's fidelity annotations (`models f in mm/x.c`, `follows 3.10..6.16`,
 * `deviation removes "…"`): keywords only between a proc's signature and its body.
 */
export const annotationKeywords = ["models", "follows", "deviation", "removes"] as const;

/** Words of conditions and expectations. */
export const conditionKeywords = ["exists", "forall", "kernel"] as const;

/** Verdict words, as in herd7. */
export const verdictKeywords = ["sometimes", "never", "always"] as const;

export const constantKeywords = ["true", "false"] as const;

/** Every reserved word: none of these can name a page, file, thread, proc or register. */
export const reservedWords: readonly string[] = [
  ...declarationKeywords,
  ...controlKeywords,
  ...initKeywords,
  ...conditionKeywords,
  ...verdictKeywords,
  ...constantKeywords,
];

/**
 * The steps a thread can take, as the user writes them. `load` and `store` are MMU instructions;
 * the rest are procedures of the kernel prelude (src/kernel/*.tlb). They are ordinary names, not
 * reserved words: a scenario may define its own procedure of the same name.
 */
export const stepNames = [
  "load",
  "store",
  "mmap",
  "munmap",
  "mremap",
  "mprotect",
  "madvise",
  "fadvise",
  "pread",
  "pwrite",
  "ftruncate",
  "msync",
  "reclaim",
  "reclaim_anon",
  "migrate",
  "numa_scan",
  "ksm_merge",
  "writeback",
] as const;
