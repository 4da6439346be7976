using System.Text.Json.Serialization;
using Registry.Core.Publishing;

namespace Registry.Cli.Internal;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(AuditReport))]
[JsonSerializable(typeof(CollectResult))]
[JsonSerializable(typeof(Registry.Core.Keys.StatusReport))]
[JsonSerializable(typeof(ErrorOutput))]
[JsonSerializable(typeof(PublishOutput))]
[JsonSerializable(typeof(YankOutput))]
[JsonSerializable(typeof(RefreshOutput))]
[JsonSerializable(typeof(RebinOutput))]
[JsonSerializable(typeof(FetchOutput))]
[JsonSerializable(typeof(SourceListOutput))]
[JsonSerializable(typeof(InstallOutput))]
[JsonSerializable(typeof(MirrorOutput))]
[JsonSerializable(typeof(TokenIssuedOutput))]
[JsonSerializable(typeof(TokenListOutput))]
[JsonSerializable(typeof(Registry.Client.WatchResult))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
}
