/**
 * Functions in the compiled files of a target, counted from their syntax (the TypeScript parser
 * over dist/*.js): V8 lists a function only once it has been compiled, so the total comes from
 * here. A module's top level counts as one function, as V8 reports it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

function countFunctions(text, name) {
  const sf = ts.createSourceFile(name, text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.JS);
  let n = 1;
  const visit = (node) => {
    switch (node.kind) {
      case ts.SyntaxKind.FunctionDeclaration:
      case ts.SyntaxKind.FunctionExpression:
      case ts.SyntaxKind.ArrowFunction:
      case ts.SyntaxKind.MethodDeclaration:
      case ts.SyntaxKind.Constructor:
      case ts.SyntaxKind.GetAccessor:
      case ts.SyntaxKind.SetAccessor:
      case ts.SyntaxKind.ClassStaticBlockDeclaration:
        if (node.body || node.kind === ts.SyntaxKind.ArrowFunction) n++;
        break;
      case ts.SyntaxKind.PropertyDeclaration:
        // A class field initializer runs in a synthetic function per class (V8: one "<instance_members_initializer>").
        break;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  // V8 adds one initializer function per class with instance fields and a default constructor
  // when none is written; both are counted where they exist.
  const classes = [];
  const findClasses = (node) => {
    if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) classes.push(node);
    ts.forEachChild(node, findClasses);
  };
  findClasses(sf);
  for (const c of classes) {
    if (c.members.some((m) => ts.isPropertyDeclaration(m) && m.initializer && !m.modifiers?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword))) n++;
    if (!c.members.some((m) => ts.isConstructorDeclaration(m))) n++;
  }
  return n;
}

/** Every .js file under `dist` whose path relative to it starts with one of `prefixes` (and none of `exclude`). */
export function targetFiles(dist, prefixes, exclude = []) {
  const out = [];
  const walk = (dir, rel) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(dir, e.name), r);
      else if (e.name.endsWith('.js') && prefixes.some((p) => r.startsWith(p)) && !exclude.some((p) => r.startsWith(p))) out.push(r);
    }
  };
  walk(dist, '');
  return out.sort();
}

export function functionsIn(dist, rels) {
  const per = {};
  let total = 0;
  for (const r of rels) {
    const n = countFunctions(readFileSync(join(dist, r), 'utf8'), r);
    per[r] = n;
    total += n;
  }
  return { total, per };
}
