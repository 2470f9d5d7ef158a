// Validates Kubernetes objects (a JSON array on stdin) against the API schemas of the
// kubernetes-models package, which is ESM-only: jest (CommonJS) runs this as its own process.
// Prints a JSON array of { index, kind, name, error } for each object that does not validate.
let input = '';
for await (const chunk of process.stdin) input += chunk;
const problems = [];
for (const [index, object] of JSON.parse(input).entries()) {
  const where = { index, kind: object?.kind, name: object?.metadata?.name };
  try {
    const group = object.apiVersion.includes('/') ? object.apiVersion : `v1`;
    const models = await import(`kubernetes-models/${group}`);
    const Model = models[object.kind];
    if (!Model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
    new Model(object).validate();
  } catch (err) {
    problems.push({ ...where, error: String(err.message ?? err) });
  }
}
process.stdout.write(JSON.stringify(problems));
