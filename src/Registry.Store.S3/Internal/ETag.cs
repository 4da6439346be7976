using System.Security.Cryptography;

namespace Registry.Store.S3.Internal;

/// <summary>
/// ETags as version tags: always kept WITHOUT quotes (lower-case hex, plus "-N" for multipart objects),
/// and quoted for <c>If-Match</c> only when the server wants it (radosgw 16 does not).
/// </summary>
internal static class ETag
{
    public static string Normalize(string? etag) =>
        string.IsNullOrEmpty(etag) ? "" : etag.Trim().Trim('"').ToLowerInvariant();

    public static string ForIfMatch(string versionTag, bool quote)
    {
        var bare = Normalize(versionTag);
        return quote ? $"\"{bare}\"" : bare;
    }

    /// <summary>The ETag S3 gives a single-PUT object without SSE-KMS: the hex MD5 of its bytes.</summary>
    public static string OfSinglePut(byte[] md5) => Convert.ToHexStringLower(md5);

    /// <summary>The ETag S3 gives a multipart object: MD5 of the concatenated part MD5s, then "-" and the part
    /// count.</summary>
    public static string OfMultipart(IReadOnlyList<byte[]> partMd5s)
    {
        var all = partMd5s.SelectMany(p => p).ToArray();
        return $"{Convert.ToHexStringLower(MD5.HashData(all))}-{partMd5s.Count}";
    }
}
