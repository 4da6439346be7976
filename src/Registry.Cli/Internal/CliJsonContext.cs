using System.Text.Json.Serialization;
using Registry.Core.Publishing;

namespace Registry.Cli.Internal;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(AuditReport))]
[JsonSerializable(typeof(CollectResult))]
[JsonSerializable(typeof(Registry.Core.Keys.StatusReport))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
}
