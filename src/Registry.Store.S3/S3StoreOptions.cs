using Registry.Core;

namespace Registry.Store.S3;

/// <summary>Where an S3 store lives and how it is talked to.</summary>
public sealed record S3StoreOptions
{
    /// <summary>The single PUT limit of S3 (and radosgw's default <c>rgw max put size</c>).</summary>
    public const long MaxSinglePutBytes = 5L * 1024 * 1024 * 1024;

    public required string Bucket { get; init; }

    /// <summary>Key prefix inside the bucket, without leading or trailing '/'; empty for the bucket root.</summary>
    public string Prefix { get; init; } = "";

    /// <summary>A custom endpoint (radosgw, MinIO, R2); null for AWS S3.</summary>
    public Uri? Endpoint { get; init; }

    public string Region { get; init; } = "us-east-1";

    /// <summary>Path-style addressing; null means "when <see cref="Endpoint"/> is set".</summary>
    public bool? ForcePathStyle { get; init; }

    /// <summary>Send <c>x-amz-acl: public-read</c> with every write, so that a CDN can read anonymously.</summary>
    public bool PublicRead { get; init; }

    /// <summary>Objects longer than this are streamed (never held in memory); shorter ones are one buffered
    /// PUT.</summary>
    public long MultipartThreshold { get; init; } = 16 * 1024 * 1024;

    public int PartSize { get; init; } = 8 * 1024 * 1024;

    /// <summary>
    /// Whether the server honours <c>If-None-Match: *</c> on CompleteMultipartUpload (AWS S3 does since
    /// 2024). radosgw 16 does NOT: it silently overwrites. When false, large objects go as one streamed,
    /// create-only PUT (up to 5 GiB), which every server enforces. See docs/s3-store.md.
    /// </summary>
    public bool ConditionalMultipartComplete { get; init; }

    /// <summary>
    /// Send the ETag in <c>If-Match</c> with its quotes. radosgw 16 compares against the unquoted ETag
    /// and refuses the quoted form; AWS S3 accepts either. Default: unquoted.
    /// </summary>
    public bool QuoteIfMatch { get; init; }

    /// <summary>Timeout of one attempt of one small request (GET, HEAD, small PUT, LIST).</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one attempt of one large transfer (a streamed PUT or one part).</summary>
    public TimeSpan TransferAttemptTimeout { get; init; } = TimeSpan.FromMinutes(10);

    public int MaxRetries { get; init; } = 4;

    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Page size of LIST requests (S3 caps it at 1000).</summary>
    public int ListPageSize { get; init; } = 1000;

    public string Location => Prefix.Length == 0 ? $"s3://{Bucket}" : $"s3://{Bucket}/{Prefix}";

    /// <summary>
    /// Parses <c>s3://bucket/prefix</c>. The endpoint is <paramref name="endpoint"/> (the
    /// <c>--s3-endpoint</c> option), else <c>AWS_ENDPOINT_URL_S3</c>, else <c>AWS_ENDPOINT_URL</c>, else AWS.
    /// The region is <c>AWS_REGION</c>, else <c>AWS_DEFAULT_REGION</c>, else us-east-1.
    /// </summary>
    public static S3StoreOptions Parse(string location, string? endpoint = null)
    {
        ArgumentNullException.ThrowIfNull(location);
        const string scheme = "s3://";
        if (!location.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw new EnvironmentException($"'{location}' is not an S3 location: expected s3://bucket[/prefix]");
        }

        var rest = location[scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..].Trim('/');
        if (bucket.Length is < 3 or > 63
            || !bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.'))
        {
            throw new EnvironmentException(
                $"'{bucket}' is not a valid S3 bucket name (3-63 characters: a-z, 0-9, '-', '.') in '{location}'");
        }

        var url = FirstNonEmpty(
            endpoint,
            Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_S3"),
            Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL"));
        Uri? endpointUri = null;
        if (url is not null && !Uri.TryCreate(url, UriKind.Absolute, out endpointUri))
        {
            throw new EnvironmentException($"S3 endpoint '{url}' is not an absolute URL (e.g. http://127.0.0.1:7480)");
        }

        var region = FirstNonEmpty(
            Environment.GetEnvironmentVariable("AWS_REGION"),
            Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION")) ?? "us-east-1";
        return new S3StoreOptions { Bucket = bucket, Prefix = prefix, Endpoint = endpointUri, Region = region };
    }

    private static string? FirstNonEmpty(params string?[] values)
        => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
