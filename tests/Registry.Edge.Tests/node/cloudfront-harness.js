// Runs infra/edge/token-verifier.js's CloudFront handler in node, exactly as docs/deploy.md deploys
// it (the 'export default' line removed, 'cf' provided), against a fake KeyValueStore.
// Usage: node cloudfront-harness.js VERIFIER KVS.json URI AUTHORIZATION
// Prints the handler's answer as JSON: {"status": 200|401|403, "error", "authorization"}.
'use strict';
const fs = require('fs');
const [verifier, kvsFile, uri, authorization] = process.argv.slice(2);
const source = fs.readFileSync(verifier, 'utf8').replace(/^export default .*$/m, '');
const values = JSON.parse(fs.readFileSync(kvsFile, 'utf8'));
const cf = {
  kvs: () => ({
    get: async (key) => { if (!(key in values)) { throw new Error('key not found'); } return values[key]; },
    exists: async (key) => key in values,
  }),
};
const handler = new Function('require', 'cf', source + '\nreturn handler;')(require, cf);
const headers = authorization ? { authorization: { value: authorization } } : {};
handler({ request: { uri: uri, headers: headers } }).then((answer) => {
  const status = answer.statusCode || 200;
  const error = answer.headers && answer.headers['registry-token-error'] ? answer.headers['registry-token-error'].value : '';
  const forwarded = answer.headers && answer.headers.authorization ? 'kept' : 'removed';
  console.log(JSON.stringify({ status: status, error: error, authorization: status === 200 ? forwarded : '' }));
});
