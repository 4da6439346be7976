// Cloudflare Worker (module syntax) on the route PREFIX/nuget/v3/search/*, in front of the
// registry's origin (R2 public bucket, or any HTTP origin). NuGet asks
// .../search/query.json?q=plug&skip=0&take=20&...; the static answers live at
// .../search/query/KEY.json, KEY being the first three ASCII letters or digits of q's first word
// (Registry.Search.NuGetSearch.KeyOfQuery; docs/search.md). The bare URL keeps the default answer.
// The query string is dropped, so the edge caches one object per key.

export function searchKey(q) {
  const first = String(q).trim().split(/\s+/)[0] || "";
  return first.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 3);
}

/** The URL to fetch from the origin for a request URL (unchanged outside NuGet search). */
export function rewrite(url) {
  const target = new URL(url);
  const match = /^(.*\/nuget\/v3\/search\/)(query|autocomplete)\.json$/.exec(target.pathname);
  if (!match) {
    return target;
  }
  const key = searchKey(target.searchParams.get("q") || "");
  target.pathname = key === "" ? `${match[1]}${match[2]}.json` : `${match[1]}${match[2]}/${key}.json`;
  target.search = "";
  return target;
}

export default {
  async fetch(request) {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return new Response("method not allowed", { status: 405 });
    }
    const target = rewrite(request.url);
    const response = await fetch(new Request(target.toString(), { method: request.method, headers: request.headers }), {
      cf: { cacheEverything: true },
    });
    if ((response.status === 404 || response.status === 403) && /\/nuget\/v3\/search\/(query|autocomplete)\/[a-z0-9]{1,3}\.json$/.test(target.pathname)) {
      // Nothing published starts with those letters: "no hits", not a failing source.
      return new Response('{"totalHits":0,"data":[]}', {
        status: 200,
        headers: { "Content-Type": "application/json", "Cache-Control": "no-cache" },
      });
    }
    return response;
  },
};
