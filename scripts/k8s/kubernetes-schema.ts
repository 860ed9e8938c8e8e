import { dirname, join } from 'node:path';
import ts from 'typescript';

/**
 * Validation of Kubernetes objects against the schemas bundled in `kubernetes-models`.
 *
 * Its `validate()` checks types, enums and required fields but accepts unknown fields (the
 * generated validators have no `additionalProperties: false`), and a misspelt field is the usual
 * manifest bug (`readinessprobe:` silently means "no probe"). The package ships no raw schema to
 * check against, but its `.d.ts` files are generated from the same OpenAPI definitions, so the
 * strict check walks each object alongside its TypeScript type with the compiler API: a key that
 * is not a property of the type (and the type has no index signature) is an unknown field.
 */

export interface SchemaIssue {
  path: string;
  message: string;
}

interface ModelModule {
  [kind: string]: new (data: object) => { validate(): void };
}

/** `apps/v1` → `apps/v1`; `v1` → `v1` (the core group): the package's folder for the kind. */
function modelPath(apiVersion: string, kind: string): string {
  return `kubernetes-models/${apiVersion}/${kind}`;
}

export function isKnownKubernetesKind(apiVersion: string, kind: string): boolean {
  try {
    require.resolve(modelPath(apiVersion, kind));
    return true;
  } catch {
    return false;
  }
}

/** The generated validator (types, enums, required fields, formats). */
export function validateWithModel(object: { apiVersion: string; kind: string }): SchemaIssue[] {
  // The model module is picked by kind at run time; import() would make every validation async.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(modelPath(object.apiVersion, object.kind)) as ModelModule;
  const Model = module[object.kind];
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: { instancePath: string; message?: string }[] }).errors;
    if (!errors) return [{ path: '', message: (error as Error).message }];
    return errors.map((e) => ({ path: e.instancePath.replace(/^\//, '').replace(/\//g, '.'), message: e.message ?? 'invalid' }));
  }
}

/**
 * Just enough of the standard library for the model declarations: `noLib` with this instead of
 * lib.es20xx.d.ts keeps building the program well under a second.
 */
const MINI_LIB = `
interface Array<T> { length: number; [n: number]: T; }
interface ReadonlyArray<T> { readonly length: number; readonly [n: number]: T; }
interface Boolean {} interface Function {} interface CallableFunction {} interface NewableFunction {}
interface IArguments {} interface Number {} interface Object {} interface RegExp {} interface String {}
interface Symbol {} interface Promise<T> {}
type Partial<T> = { [P in keyof T]?: T[P] };
type Pick<T, K extends keyof T> = { [P in K]: T[P] };
type Record<K extends keyof any, T> = { [P in K]: T };
type Exclude<T, U> = T extends U ? never : T;
type Omit<T, K extends keyof any> = Pick<T, Exclude<keyof T, K>>;
`;

/** Type-directed walker over one TypeScript program holding every kind asked for so far. */
export class StrictFieldChecker {
  private readonly kinds = new Map<string, { apiVersion: string; kind: string }>();
  private program: ts.Program | undefined;
  private readonly root: string;

  constructor() {
    // The virtual files sit beside node_modules so that module resolution finds kubernetes-models.
    const packageJson = require.resolve('kubernetes-models/package.json');
    this.root = dirname(dirname(dirname(packageJson)));
  }

  /** Declares the kinds about to be checked, so that the program is built once for all of them. */
  prepare(objects: readonly { apiVersion: string; kind: string }[]): void {
    for (const { apiVersion, kind } of objects) this.register(apiVersion, kind);
  }

  /** Unknown fields of `object`, with their paths (`spec.template.spec.containers[0].readinessprobe`). */
  check(object: { apiVersion: string; kind: string }): SchemaIssue[] {
    const type = this.typeOf(object.apiVersion, object.kind);
    const issues: SchemaIssue[] = [];
    this.walk(object, type, '', issues);
    return issues;
  }

  private register(apiVersion: string, kind: string): string {
    const alias = `T_${apiVersion.replace(/[^A-Za-z0-9]/g, '_')}_${kind}`;
    if (!this.kinds.has(alias)) {
      this.kinds.set(alias, { apiVersion, kind });
      this.program = undefined;
    }
    return alias;
  }

  private typeOf(apiVersion: string, kind: string): ts.Type {
    const alias = this.register(apiVersion, kind);
    const program = (this.program ??= this.createProgram());
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(join(this.root, '__k8s_models__.ts'))!;
    const declaration = source.statements.find((s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === alias)!;
    const type = checker.getTypeAtLocation(declaration.name);
    if (type.flags & ts.TypeFlags.Any) throw new Error(`no type declarations for ${apiVersion} ${kind} in kubernetes-models`);
    return type;
  }

  private createProgram(): ts.Program {
    const entry = join(this.root, '__k8s_models__.ts');
    const lib = join(this.root, '__k8s_mini_lib__.d.ts');
    const source = [...this.kinds]
      .map(([alias, { apiVersion, kind }]) => `export type ${alias} = import('${modelPath(apiVersion, kind)}').I${kind};`)
      .join('\n');
    const options: ts.CompilerOptions = {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      noEmit: true,
      noLib: true,
      skipLibCheck: true,
      types: [],
    };
    const host = ts.createCompilerHost(options);
    const virtual = new Map([
      [entry, source],
      [lib, MINI_LIB],
    ]);
    const getSourceFile = host.getSourceFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    const readFile = host.readFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, ...rest) =>
      virtual.has(fileName)
        ? ts.createSourceFile(fileName, virtual.get(fileName)!, languageVersion)
        : getSourceFile(fileName, languageVersion, ...rest);
    host.fileExists = (fileName) => virtual.has(fileName) || fileExists(fileName);
    host.readFile = (fileName) => virtual.get(fileName) ?? readFile(fileName);
    return ts.createProgram([lib, entry], options, host);
  }

  private walk(value: unknown, type: ts.Type, path: string, issues: SchemaIssue[]): void {
    if (value === null || typeof value !== 'object') return; // scalars: validateWithModel checks them
    const checker = this.program!.getTypeChecker();
    const candidates = (type.isUnion() ? type.types : [type]).filter((t) => t.flags & ts.TypeFlags.Object);
    if (candidates.length === 0) return; // e.g. `any` (free-form fields): nothing to check

    if (Array.isArray(value)) {
      const arrayType = candidates.find((t) => checker.isArrayType(t));
      if (!arrayType) return; // a type mismatch: the model validator reports it
      const element = checker.getTypeArguments(arrayType as ts.TypeReference)[0];
      value.forEach((item, index) => this.walk(item, element, `${path}[${index}]`, issues));
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      const childPath = path ? `${path}.${key}` : key;
      let childType: ts.Type | undefined;
      for (const candidate of candidates) {
        const property = checker.getPropertyOfType(candidate, key);
        if (property) {
          childType = checker.getNonNullableType(checker.getTypeOfSymbol(property));
          break;
        }
        const index = checker.getIndexInfoOfType(candidate, ts.IndexKind.String);
        if (index) {
          childType = index.type;
          break;
        }
      }
      if (!childType) {
        const names = candidates.map((c) => checker.typeToString(c)).join(' | ');
        issues.push({ path: childPath, message: `unknown field "${key}" (not in ${names})` });
        continue;
      }
      this.walk(child, childType, childPath, issues);
    }
  }
}
