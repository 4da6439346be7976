// Read-token verifier for a private registry, run at the edge on every request before any byte
// is served (docs/protocol.md, "Read tokens"; docs/deploy.md, "A private registry").
// One file for nginx njs 0.7.9 (infra/nginx/private.conf.template loads it with js_import) and
// for a CloudFront Function (cloudfront-js-2.0; see docs/deploy.md for the one-line wrapper).
// Written in the common subset of both: var, function, no arrow functions, no async in the shared
// part, no Buffer, no atob; only crypto.createHmac(...).digest('hex').
//
// A token is rgt1~REGISTRY~TOKENID~EXPIRES~SCOPE~SECRETID~HMAC (the same rule as
// src/Registry.Writer/Tokens/ReadToken.cs). It comes as "Authorization: Bearer TOKEN" or as the
// password of "Authorization: Basic" (what NuGet sends after a 401 with WWW-Authenticate: Basic).
var crypto = require('crypto');

var CHALLENGE = 'Basic realm="registry", charset="UTF-8"';

var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

// Base64 to a string of byte values (enough for the ASCII token after the ':').
function base64Decode(text) {
    var out = '';
    var bits = 0;
    var value = 0;
    for (var i = 0; i < text.length; i++) {
        var c = text.charAt(i);
        if (c === '=') {
            break;
        }
        var index = B64.indexOf(c);
        if (index < 0) {
            return null;
        }
        value = (value << 6) | index;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += String.fromCharCode((value >> bits) & 255);
        }
    }
    return out;
}

// The token text from an Authorization header value, or '' when there is none.
function tokenFromAuthorization(header) {
    if (!header) {
        return '';
    }
    var space = header.indexOf(' ');
    if (space < 0) {
        return '';
    }
    var scheme = header.substring(0, space).toLowerCase();
    var rest = header.substring(space + 1).trim();
    if (scheme === 'bearer') {
        return rest;
    }
    if (scheme === 'basic') {
        var decoded = base64Decode(rest);
        if (decoded === null) {
            return '';
        }
        var colon = decoded.indexOf(':');
        return colon < 0 ? '' : decoded.substring(colon + 1);
    }
    return '';
}

// The token's fields, or null when the text is not a token.
function parseToken(text) {
    var parts = text.split('~');
    if (parts.length !== 7 || parts[0] !== 'rgt1' || !/^[0-9]+$/.test(parts[3])) {
        return null;
    }
    return {
        registry: parts[1],
        id: parts[2],
        expires: parseInt(parts[3], 10),
        scope: parts[4],
        secretId: parts[5],
        claim: parts.slice(0, 6).join('~'),
        mac: parts[6]
    };
}

function constantTimeEquals(a, b) {
    if (a.length !== b.length) {
        return false;
    }
    var diff = 0;
    for (var i = 0; i < a.length; i++) {
        diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
    }
    return diff === 0;
}

// The package a request's path is about, lowercased, or null for a path every token may read
// (metadata/, the NuGet service index, the site's shared files).
function packageOfPath(uri) {
    var markers = ['/targets/index/', '/targets/packages/', '/nuget/v3/flatcontainer/', '/nuget/v3/registration/'];
    for (var m = 0; m < markers.length; m++) {
        var at = uri.indexOf(markers[m]);
        if (at < 0) {
            continue;
        }
        var rest = uri.substring(at + markers[m].length);
        var slash = rest.indexOf('/');
        var segment = slash < 0 ? rest : rest.substring(0, slash);
        if (m === 0) {
            // targets/index/HASH.NAME.json
            var dot = segment.indexOf('.');
            segment = dot < 0 ? '' : segment.substring(dot + 1);
            if (segment.length > 5 && segment.substring(segment.length - 5) === '.json') {
                segment = segment.substring(0, segment.length - 5);
            }
        }
        return segment.toLowerCase();
    }
    return null;
}

// The decision before any lookup: { token } to look up, or { status, error } to refuse.
function inspect(authorization, registry, nowSeconds) {
    var text = tokenFromAuthorization(authorization);
    if (text === '') {
        return { status: 401, error: 'missing' };
    }
    var token = parseToken(text);
    if (token === null) {
        return { status: 401, error: 'invalid' };
    }
    if (token.registry !== registry) {
        return { status: 401, error: 'wrong-registry' };
    }
    if (token.expires <= nowSeconds) {
        return { status: 401, error: 'expired' };
    }
    return { token: token };
}

// The decision once the token's secret (null when unknown) and revocation are known.
function decide(token, secret, revoked, uri) {
    if (secret === null || secret === undefined || secret === '') {
        return { status: 401, error: 'invalid' };
    }
    var expected = crypto.createHmac('sha256', secret).update(token.claim).digest('hex');
    if (!constantTimeEquals(expected, token.mac)) {
        return { status: 401, error: 'invalid' };
    }
    if (revoked) {
        return { status: 401, error: 'revoked' };
    }
    var name = packageOfPath(uri);
    if (name !== null && token.scope !== '' && name.indexOf(token.scope.toLowerCase()) !== 0) {
        return { status: 403, error: 'scope' };
    }
    return { status: 200, error: '' };
}

var MESSAGES = {
    'missing': 'a read token is required',
    'invalid': 'the read token is not valid for this registry',
    'wrong-registry': 'the read token is for another registry',
    'expired': 'the read token has expired',
    'revoked': 'the read token has been revoked',
    'scope': 'the read token does not grant this package'
};

// nginx (njs): js_content verifier.nginx; $registry_token_config names the file written by
// 'registry token edge-config'. A granted request goes on to the named location @origin, or
// @root_probe for metadata/N.root.json.
function nginx(r) {
    var fs = require('fs');
    var config;
    try {
        config = JSON.parse(fs.readFileSync(r.variables.registry_token_config));
    } catch (e) {
        r.error('token verifier: cannot read ' + r.variables.registry_token_config + ': ' + e);
        r.return(503, 'the edge has no token configuration\n');
        return;
    }
    var first = inspect(r.headersIn.Authorization, config.registry, Math.floor(Date.now() / 1000));
    var result = first.token
        ? decide(first.token, config.secrets[first.token.secretId] || null, config.revoked.indexOf(first.token.id) >= 0, r.uri)
        : first;
    if (result.status === 200) {
        // The root probe's miss is cached (for the timestamp's max-age) in its own location.
        r.internalRedirect(/\/metadata\/[0-9]+\.root\.json$/.test(r.uri) ? '@root_probe' : '@origin');
        return;
    }
    if (result.status === 401) {
        r.headersOut['WWW-Authenticate'] = CHALLENGE;
    }
    r.headersOut['Registry-Token-Error'] = result.error;
    r.headersOut['Content-Type'] = 'text/plain; charset=utf-8';
    r.headersOut['Cache-Control'] = 'no-store';
    r.return(result.status, MESSAGES[result.error] + '\n');
}

// CloudFront Function (viewer request). The KeyValueStore holds "registry", "secret:ID" (the hex
// secret) and "revoked:TOKENID" (any value); docs/deploy.md writes them.
async function handler(event) {
    var request = event.request;
    var kvs = cf.kvs();
    var header = request.headers.authorization ? request.headers.authorization.value : '';
    var registry = await kvs.get('registry');
    var first = inspect(header, registry, Math.floor(Date.now() / 1000));
    var result = first;
    if (first.token) {
        var secret = null;
        try {
            secret = await kvs.get('secret:' + first.token.secretId);
        } catch (e) {
            secret = null;
        }
        var revoked = await kvs.exists('revoked:' + first.token.id);
        result = decide(first.token, secret, revoked, request.uri);
    }
    if (result.status === 200) {
        // The origin (a private bucket behind origin access control) never sees the token. With the
        // NuGet search rewrite deployed in the same function, a granted search request is rewritten.
        delete request.headers.authorization;
        return typeof nugetSearchRewrite === 'function' ? nugetSearchRewrite(request) : request;
    }
    var headers = {
        'registry-token-error': { value: result.error },
        'content-type': { value: 'text/plain; charset=utf-8' },
        'cache-control': { value: 'no-store' }
    };
    if (result.status === 401) {
        headers['www-authenticate'] = { value: CHALLENGE };
    }
    return {
        statusCode: result.status,
        statusDescription: result.status === 401 ? 'Unauthorized' : 'Forbidden',
        headers: headers,
        body: { encoding: 'text', data: MESSAGES[result.error] + '\n' }
    };
}

export default { nginx: nginx, handler: handler, inspect: inspect, decide: decide, packageOfPath: packageOfPath };
