using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Registry.Core.Storage;

namespace Registry.Serve.Internal;

/// <summary>Answers GET and HEAD for files of a folder store, as an S3 origin would.</summary>
internal sealed class FolderFileHandler(string root, CachePolicy policy)
{
    private readonly ConcurrentDictionary<(string Path, long Length, DateTime Modified), string> _etags = new();

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "GET, HEAD";
            return;
        }

        response.Headers.XContentTypeOptions = "nosniff";
        var key = Uri.UnescapeDataString((request.Path.Value ?? "/").TrimStart('/'));
        if (key.Length == 0 || key.EndsWith('/'))
        {
            key += SiteHeaders.DirectoryIndex; // a directory URL is its index page, as the edge configurations map it
        }
        else if (IsServable(key) && !File.Exists(Path.Combine(root, key))
            && File.Exists(Path.Combine(root, key, SiteHeaders.DirectoryIndex)))
        {
            // A directory without its slash: relative links on its page need the slash.
            response.StatusCode = StatusCodes.Status301MovedPermanently;
            response.Headers.Location = (request.PathBase + request.Path).ToString() + "/" + request.QueryString;
            return;
        }

        if (!IsServable(key))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var path = Path.Combine(root, key.Replace('/', Path.DirectorySeparatorChar));
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            response.Headers.CacheControl = policy.CacheControlOfMissing(key);
            return;
        }

        byte[]? content = null;
        string etag;
        if (CachePolicy.IsMutable(key))
        {
            // A mutable file: hash what is read now, so ETag and body always agree.
            content = await File.ReadAllBytesAsync(path, context.RequestAborted).ConfigureAwait(false);
            etag = Quote(SHA256.HashData(content));
        }
        else
        {
            etag = _etags.GetOrAdd(
                (path, info.Length, info.LastWriteTimeUtc),
                static k => Quote(SHA256.HashData(File.ReadAllBytes(k.Path))));
        }

        response.Headers.ETag = etag;
        response.Headers.CacheControl = policy.CacheControlOf(key);
        response.Headers.LastModified = info.LastWriteTimeUtc.ToString("R");
        response.Headers.AcceptRanges = "bytes";
        response.ContentType = CachePolicy.ContentTypeOf(key);
        if (key.EndsWith(".html", StringComparison.Ordinal))
        {
            response.Headers.ContentSecurityPolicy = SiteHeaders.ContentSecurityPolicy;
        }

        if (request.Headers.IfNoneMatch.Count > 0 && request.Headers.IfNoneMatch
            .Any(v => v is not null && (v == "*" || v.Split(',').Select(t => t.Trim()).Contains(etag))))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        var length = content?.LongLength ?? info.Length;
        long start = 0, end = length - 1;
        if (RangeHeaderValue.TryParse(request.Headers.Range.ToString(), out var range) && range.Unit == "bytes"
            && range.Ranges.Count == 1)
        {
            var r = range.Ranges.First();
            (start, end) = r.From is { } from
                ? (from, Math.Min(r.To ?? length - 1, length - 1))
                : (Math.Max(0, length - (r.To ?? 0)), length - 1);
            if (start >= length || start > end)
            {
                response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                response.Headers.ContentRange = $"bytes */{length}";
                return;
            }

            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = $"bytes {start}-{end}/{length}";
        }

        response.ContentLength = end - start + 1;
        if (HttpMethods.IsHead(request.Method))
        {
            return;
        }

        if (content is not null)
        {
            await response.Body.WriteAsync(content.AsMemory((int)start, (int)(end - start + 1)), context.RequestAborted)
                .ConfigureAwait(false);
            return;
        }

        await response.SendFileAsync(path, start, end - start + 1, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Registry files only: no dot-files (temporaries, locks, probes), no publisher settings, no path
    /// tricks.</summary>
    private static bool IsServable(string key) =>
        key.Length > 0
        && key != Core.Settings.RegistrySettings.Key
        && !key.Contains('\\', StringComparison.Ordinal)
        && !key.Contains('\0', StringComparison.Ordinal)
        && key.Split('/').All(segment => segment.Length > 0 && !segment.StartsWith('.'));

    private static string Quote(byte[] hash) => $"\"{Convert.ToHexStringLower(hash)}\"";
}
