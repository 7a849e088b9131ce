import type { Span } from "../diagnostics/span.js";

/**
 * The abstract syntax of a .tlb file. Plain readonly objects in discriminated unions on `kind`;
 * every node has a half-open source span. See docs/language.md for the grammar.
 */

export interface Ident {
  readonly kind: "Ident";
  readonly name: string;
  readonly span: Span;
}

export interface TestFile {
  readonly kind: "TestFile";
  /** Absent only in the kernel prelude, which is a library of procs, not a test. */
  readonly name: Ident | undefined;
  readonly doc: StringLit | undefined;
  readonly decls: readonly Decl[];
  readonly span: Span;
}

export type Decl =
  | InitDecl
  | ThreadDecl
  | ProcDecl
  | AfterDecl
  | ConditionDecl
  | ExpectDecl
  | FixToggle
  | FixDef
  | ScheduleDecl
  | OptionDecl;

// ---- init ---------------------------------------------------------------------------------

export interface InitDecl {
  readonly kind: "InitDecl";
  readonly items: readonly InitItem[];
  readonly span: Span;
}

export type InitItem = FileInit | MapInit | UnmappedInit | PmdInit | TlbInit | MemInit;

/** `file F = [0, 1]`: a file whose page i holds the i-th value (in word 0) on disk. */
export interface FileInit {
  readonly kind: "FileInit";
  readonly name: Ident;
  readonly pages: readonly IntLit[];
  readonly span: Span;
}

/** `X = mmap F[0] shared rw populate`. */
export interface MapInit {
  readonly kind: "MapInit";
  readonly name: Ident;
  readonly source: MapSource;
  readonly sharing: Ident;
  readonly prot: Ident;
  readonly options: readonly Ident[];
  readonly span: Span;
}

export type MapSource = AnonSource | FileSource;

/** `anon` or `anon[2]` (pages). */
export interface AnonSource {
  readonly kind: "AnonSource";
  readonly pages: IntLit | undefined;
  readonly span: Span;
}

/** `F`, `F[1]` or `F[0..2]` (first and last page, inclusive). */
export interface FileSource {
  readonly kind: "FileSource";
  readonly file: Ident;
  readonly first: IntLit | undefined;
  readonly last: IntLit | undefined;
  readonly span: Span;
}

/** `Y = unmapped` or `Y = unmapped[2]`: address space reserved for mremap or mmap. */
export interface UnmappedInit {
  readonly kind: "UnmappedInit";
  readonly name: Ident;
  readonly pages: IntLit | undefined;
  readonly span: Span;
}

/**
 * `pmd X, Y`: the regions lie in the 2 MB one PMD entry maps, so in one page-table page with one
 * split PTL. A region not named in a `pmd` line has a page table of its own.
 */
export interface PmdInit {
  readonly kind: "PmdInit";
  readonly regions: readonly Ident[];
  readonly span: Span;
}

/** `tlb cpu1 X rw dirty`: a TLB entry present at the start. */
export interface TlbInit {
  readonly kind: "TlbInit";
  readonly cpu: Ident;
  readonly address: Expr;
  readonly flags: readonly Ident[];
  readonly span: Span;
}

/** `X.1 = 5`: initial memory contents. */
export interface MemInit {
  readonly kind: "MemInit";
  readonly address: Expr;
  readonly value: IntLit;
  readonly span: Span;
}

// ---- threads, procs, after ----------------------------------------------------------------

export interface ThreadDecl {
  readonly kind: "ThreadDecl";
  /** A `kthread` runs kernel steps only and has no user address space. */
  readonly isKernel: boolean;
  readonly name: Ident;
  readonly cpu: Ident;
  readonly body: Block;
  readonly span: Span;
}

export interface Param {
  readonly kind: "Param";
  readonly name: Ident;
  readonly type: Ident;
  readonly span: Span;
}

export interface ProcDecl {
  readonly kind: "ProcDecl";
  readonly name: Ident;
  readonly params: readonly Param[];
  readonly result: Ident | undefined;
  readonly doc: StringLit | undefined;
  /** What the body models and how faithfully: docs/language.md, "Fidelity annotations". */
  readonly annotations: readonly Annotation[];
  readonly body: Block;
  readonly span: Span;
}

export type Annotation = ModelsAnnotation | FollowsAnnotation | DeviationAnnotation;

/** `models page_mkclean, folio_mkclean in mm/rmap.c`: the C functions the body reads beside. */
export interface ModelsAnnotation {
  readonly kind: "ModelsAnnotation";
  readonly functions: readonly Ident[];
  /** The kernel source file, as written. */
  readonly path: { readonly text: string; readonly span: Span };
  readonly span: Span;
}

/** `follows 3.10..6.16`: the releases whose C the body follows. */
export interface FollowsAnnotation {
  readonly kind: "FollowsAnnotation";
  readonly ranges: readonly ReleaseRange[];
  readonly span: Span;
}

/** `4.9` (that release), `3.10..6.16`, `3.10..` or `..4.8` (open ends). */
export interface ReleaseRange {
  readonly kind: "ReleaseRange";
  readonly first: VersionLit | undefined;
  readonly last: VersionLit | undefined;
  /** Written with `..` (a single release is written without). */
  readonly dots: boolean;
  readonly span: Span;
}

/** `deviation removes "reason"`: the body lacks behaviours the C has. */
export interface DeviationAnnotation {
  readonly kind: "DeviationAnnotation";
  readonly direction: Ident;
  readonly reason: StringLit;
  readonly span: Span;
}

export interface AfterDecl {
  readonly kind: "AfterDecl";
  readonly body: Block;
  readonly span: Span;
}

// ---- conditions, expectations, fixes, schedules, options ----------------------------------

export type Quantifier = "exists" | "~exists" | "forall";

export interface ConditionDecl {
  readonly kind: "ConditionDecl";
  readonly quantifier: Quantifier;
  readonly expr: Expr;
  readonly span: Span;
}

export type Verdict = "sometimes" | "never" | "always";

/** `expect kernel 4.8 with fix 5d1904204c99 on : sometimes`. */
export interface ExpectDecl {
  readonly kind: "ExpectDecl";
  readonly kernel: VersionLit;
  readonly fixes: readonly FixSetting[];
  readonly verdict: Verdict;
  readonly verdictSpan: Span;
  readonly span: Span;
}

export interface FixSetting {
  readonly kind: "FixSetting";
  readonly commit: CommitLit;
  readonly enabled: boolean;
  readonly span: Span;
}

/** `fix 5d1904204c99 off`: toggles one patch for every run of this file. */
export interface FixToggle {
  readonly kind: "FixToggle";
  readonly setting: FixSetting;
  readonly span: Span;
}

/** `fix 5d1904204c99 in 4.9 "title"`: declares a patch (in the kernel prelude). */
export interface FixDef {
  readonly kind: "FixDef";
  readonly commit: CommitLit;
  readonly release: VersionLit;
  readonly title: StringLit;
  readonly span: Span;
}

export interface ScheduleDecl {
  readonly kind: "ScheduleDecl";
  readonly name: Ident;
  readonly doc: StringLit | undefined;
  readonly items: readonly ScheduleItem[];
  readonly span: Span;
}

/** How far one schedule item runs its thread. */
export type ScheduleAmount =
  | { readonly kind: "Statements"; readonly count: IntLit }
  | { readonly kind: "Steps"; readonly count: IntLit }
  | { readonly kind: "UntilLabel"; readonly label: Ident }
  | { readonly kind: "ToEnd"; readonly span: Span }
  /**
   * One alternative step: `evicted`, an access that finds its TLB entry evicted (the tlb_evict
   * option); `otherwise`, a step whose choice the kernel leaves to the machine answers otherwise.
   * Both name the same move; the word is kept for formatting.
   */
  | { readonly kind: "Evicted"; readonly word: "evicted" | "otherwise"; readonly span: Span };

export interface ScheduleItem {
  readonly kind: "ScheduleItem";
  readonly thread: Ident;
  readonly amount: ScheduleAmount;
  readonly span: Span;
}

/** `option tlb_evict on`. */
export interface OptionDecl {
  readonly kind: "OptionDecl";
  readonly name: Ident;
  readonly enabled: boolean;
  readonly span: Span;
}

// ---- statements ---------------------------------------------------------------------------

export interface Block {
  readonly kind: "Block";
  readonly stmts: readonly Stmt[];
  readonly span: Span;
}

export type Stmt =
  | ExprStmt
  | AssignStmt
  | IfStmt
  | ForStmt
  | WhileStmt
  | AtomicStmt
  | LabelStmt
  | ReturnStmt
  | SkipStmt;

/** A step or procedure call whose result, if any, is not kept. */
export interface ExprStmt {
  readonly kind: "ExprStmt";
  readonly expr: CommandExpr | CallExpr | NameExpr;
  readonly span: Span;
}

/** `r = pread F[0]`, `pte = ptep_get_and_clear(X)`, `force = true`. */
export interface AssignStmt {
  readonly kind: "AssignStmt";
  readonly target: Ident;
  readonly value: Expr;
  readonly span: Span;
}

export interface IfStmt {
  readonly kind: "IfStmt";
  readonly cond: Expr;
  readonly then: Block;
  readonly else: Block | IfStmt | undefined;
  readonly span: Span;
}

/** `for v in X { … }`: unrolled at compile time over the pages of a range. */
export interface ForStmt {
  readonly kind: "ForStmt";
  readonly variable: Ident;
  readonly iterable: Expr;
  readonly body: Block;
  readonly span: Span;
}

/** `while cond { … }`: a loop (the kernel's `retry:` and `goto`); each round takes a step. */
export interface WhileStmt {
  readonly kind: "WhileStmt";
  readonly cond: Expr;
  readonly body: Block;
  readonly span: Span;
}

/** `atomic { … }`: one indivisible step. */
export interface AtomicStmt {
  readonly kind: "AtomicStmt";
  readonly body: Block;
  readonly span: Span;
}

export interface LabelStmt {
  readonly kind: "LabelStmt";
  readonly name: Ident;
  readonly span: Span;
}

export interface ReturnStmt {
  readonly kind: "ReturnStmt";
  readonly value: Expr | undefined;
  readonly span: Span;
}

/** A step that does nothing: a scheduling point. */
export interface SkipStmt {
  readonly kind: "SkipStmt";
  readonly span: Span;
}

// ---- expressions --------------------------------------------------------------------------

export type Expr =
  | IntLit
  | BoolLit
  | StringLit
  | VersionLit
  | CommitLit
  | NameExpr
  | RegisterExpr
  | IndexExpr
  | SliceExpr
  | MemberExpr
  | CallExpr
  | CommandExpr
  | UnaryExpr
  | BinaryExpr;

export interface IntLit {
  readonly kind: "IntLit";
  readonly value: number;
  /** As written (decimal or 0x hex), so the formatter keeps it. */
  readonly text: string;
  readonly span: Span;
}

export interface BoolLit {
  readonly kind: "BoolLit";
  readonly value: boolean;
  readonly span: Span;
}

export interface StringLit {
  readonly kind: "StringLit";
  readonly value: string;
  /** As written, quotes and escapes included. */
  readonly text: string;
  readonly span: Span;
}

/** `4.8`, `6.1.12`. */
export interface VersionLit {
  readonly kind: "VersionLit";
  readonly text: string;
  readonly span: Span;
}

/**
 * A fix's name: a commit id such as `5d1904204c99`, or a patch mail's Message-ID written as a
 * string, `"<ccf33e20-…@intel.com>"`, when the mainline commit id is not known.
 */
export interface CommitLit {
  readonly kind: "CommitLit";
  /** As written (a string keeps its quotes), so the formatter keeps it. */
  readonly text: string;
  /** The fix's key: the commit id, or the Message-ID without the quotes. */
  readonly id: string;
  readonly span: Span;
}

export interface NameExpr {
  readonly kind: "NameExpr";
  readonly name: Ident;
  readonly span: Span;
}

/** `T1:r`: a thread's register, in conditions. */
export interface RegisterExpr {
  readonly kind: "RegisterExpr";
  readonly thread: Ident;
  readonly register: Ident;
  readonly span: Span;
}

/** `X[1]`, `F[0]`. */
export interface IndexExpr {
  readonly kind: "IndexExpr";
  readonly target: Expr;
  readonly index: Expr;
  readonly span: Span;
}

/** `A[1..2]`: the pages of a range from `first` to `last`, inclusive; itself a range. */
export interface SliceExpr {
  readonly kind: "SliceExpr";
  readonly target: Expr;
  readonly first: Expr;
  readonly last: Expr;
  readonly span: Span;
}

/** `pte.dirty`, `X.1` (word 1), `T0.cleared` (a label, in conditions). */
export interface MemberExpr {
  readonly kind: "MemberExpr";
  readonly target: Expr;
  readonly member: Ident | IntLit;
  readonly span: Span;
}

/** `ptep_get_and_clear(X)`: C-style call. */
export interface CallExpr {
  readonly kind: "CallExpr";
  readonly callee: Ident;
  readonly args: readonly Expr[];
  readonly span: Span;
}

/**
 * `mremap X -> Y`, `store X 1`: litmus-style call, arguments separated by spaces. `arrows` holds
 * the indices of the arguments written after `->`, so the formatter gives them back.
 */
export interface CommandExpr {
  readonly kind: "CommandExpr";
  readonly callee: Ident;
  readonly args: readonly Expr[];
  readonly arrows: readonly number[];
  readonly span: Span;
}

export type UnaryOp = "!" | "-";

export interface UnaryExpr {
  readonly kind: "UnaryExpr";
  readonly op: UnaryOp;
  readonly operand: Expr;
  readonly span: Span;
}

export type BinaryOp = "||" | "&&" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "+" | "-";

export interface BinaryExpr {
  readonly kind: "BinaryExpr";
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly span: Span;
}

/** For exhaustive switches: `default: return unreachable(node)`. */
export function unreachable(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
