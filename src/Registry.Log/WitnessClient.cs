using System.Globalization;
using System.Net;
using System.Text;

namespace Registry.Log;

/// <summary>A witness a log asks for cosignatures: its add-checkpoint URL prefix and its cosigner key.</summary>
public sealed record WitnessEndpoint(Uri Url, NoteVerifier Key)
{
    /// <summary>Parses <c>URL=VKEY</c> (the form the settings and the command line use).</summary>
    public static WitnessEndpoint Parse(string text)
    {
        var split = text.IndexOf('=', StringComparison.Ordinal);
        if (split <= 0 || !Uri.TryCreate(
            text[..split].EndsWith('/') ? text[..split] : text[..split] + "/",
            UriKind.Absolute,
            out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new LogException($"witness '{text}': expected URL=VKEY with an http(s) URL");
        }

        var key = NoteVerifier.Parse(text[(split + 1)..]);
        return key.Type == NoteKeyType.Cosignature
            ? new WitnessEndpoint(url, key)
            : throw new LogException($"witness '{key.Name}': its key must be a cosignature key (type 04)");
    }

    public override string ToString() => Url + "=" + Key.Encoded;
}

/// <summary>Asks a witness to cosign a checkpoint (C2SP tlog-witness add-checkpoint), catching up once on a
/// 409.</summary>
public static class WitnessClient
{
    /// <summary>The witness's verified cosignature, or a problem (unreachable, refused, a bad signature) to
    /// report.</summary>
    public static async Task<(NoteSignature? Cosignature, string? Problem)> CosignAsync(
        HttpClient http,
        WitnessEndpoint witness,
        SignedNote note,
        long oldSize,
        Func<long, CancellationToken, Task<List<byte[]>>> proofFrom,
        CancellationToken cancellationToken)
    {
        var checkpoint = Checkpoint.Parse(note.Text);
        try
        {
            for (var attempt = 0; attempt < 2; attempt++)
            {
                var proof = oldSize == 0 ? [] : await proofFrom(oldSize, cancellationToken).ConfigureAwait(false);
                using var content = new StringContent(
                    Witness.FormatRequest(oldSize, proof, note),
                    Encoding.UTF8,
                    "text/plain");
                using var response = await http.PostAsync(
                    new Uri(witness.Url, "add-checkpoint"),
                    content,
                    cancellationToken).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.Conflict && attempt == 0
                    && long.TryParse(
                        body.Trim(),
                        NumberStyles.None,
                        CultureInfo.InvariantCulture,
                        out var theirs) && theirs <= checkpoint.Size)
                {
                    oldSize = theirs;
                    continue;
                }

                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return (null, $"witness {witness.Key.Name} ({witness.Url}) refused: {(int)response.StatusCode} "
                        + $"{body.Trim()}");
                }

                var cosignature = SignedNote.ParseSignatureLines(body)
                    .FirstOrDefault(s => witness.Key.Verifies(note.Text, s));
                return cosignature is null
                    ? (null, $"witness {witness.Key.Name} answered without a valid cosignature")
                    : (cosignature, null);
            }

            return (null, $"witness {witness.Key.Name}: still a conflict after catching up");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or LogException)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            return (null, $"witness {witness.Key.Name} ({witness.Url}): {e.Message}");
        }
    }
}
