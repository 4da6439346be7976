// Runs infra/edge/token-verifier.js's CloudFront handler in node, exactly as docs/deploy.md deploys
// it (the 'export default' line removed, 'cf' provided), against a fake KeyValueStore. With APPEND
// (infra/edge/cloudfront-nuget-search.js), that file is appended minus its 'function handler' line,
// as docs/deploy.md builds a private registry's function with the NuGet search rewrite.
// Usage: node cloudfront-harness.js VERIFIER KVS.json URI[?QUERY] AUTHORIZATION [APPEND]
// Prints the handler's answer as JSON: {"status": 200|401|403, "error", "authorization", "uri"}.
'use strict';
const fs = require('fs');
const [verifier, kvsFile, target, authorization, append] = process.argv.slice(2);
let source = fs.readFileSync(verifier, 'utf8').replace(/^export default .*$/m, '');
if (append) {
  source += '\n' + fs.readFileSync(append, 'utf8').replace(/^function handler\(.*$/m, '');
}
const values = JSON.parse(fs.readFileSync(kvsFile, 'utf8'));
const cf = {
  kvs: () => ({
    get: async (key) => { if (!(key in values)) { throw new Error('key not found'); } return values[key]; },
    exists: async (key) => key in values,
  }),
};
const handler = new Function('require', 'cf', source + '\nreturn handler;')(require, cf);
const headers = authorization ? { authorization: { value: authorization } } : {};
const [uri, query] = target.split('?');
const querystring = {};
new URLSearchParams(query || '').forEach((value, key) => { querystring[key] = { value: encodeURIComponent(value) }; });
handler({ request: { uri: uri, querystring: querystring, headers: headers } }).then((answer) => {
  const status = answer.statusCode || 200;
  const error = answer.headers && answer.headers['registry-token-error'] ? answer.headers['registry-token-error'].value : '';
  const forwarded = answer.headers && answer.headers.authorization ? 'kept' : 'removed';
  console.log(JSON.stringify({
    status: status, error: error, authorization: status === 200 ? forwarded : '', uri: status === 200 ? answer.uri : '',
  }));
});
