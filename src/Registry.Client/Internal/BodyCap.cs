using Registry.Core;

namespace Registry.Client.Internal;

/// <summary>
/// The most bytes a body may have: a length signed metadata pins (longer is not the signed
/// file), or a limit, named with the <paramref name="Setting"/> that raises it when one does.
/// </summary>
internal readonly record struct BodyCap(long Bytes, bool Pinned, string? Setting)
{
    public VerificationException Exceeded(Uri uri, string what) => new(Pinned
        ? $"{uri}: {what} is longer than the {Bytes} bytes the signed metadata gives it"
        : $"{uri}: {what} exceeds the limit of {Bytes} bytes{(Setting is null ? "" : $"; raise it with {Setting}")}");

    /// <summary>Reads a body, refusing one longer than this cap (an endless or oversized response).</summary>
    public async Task<byte[]> ReadAsync(HttpResponseMessage response, Uri uri, StallWatch watch, Action<int> onBytes)
    {
        if (response.Content.Headers.ContentLength is { } declared && declared > Bytes)
        {
            throw Exceeded(uri, $"response of {declared} bytes");
        }

        var stream = await response.Content.ReadAsStreamAsync(watch.Token).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, watch.Token).ConfigureAwait(false)) > 0)
            {
                watch.Add(read);
                onBytes(read);
                if (buffer.Length + read > Bytes)
                {
                    throw Exceeded(uri, "response");
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }
}
