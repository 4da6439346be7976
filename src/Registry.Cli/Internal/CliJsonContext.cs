using System.Text.Json.Serialization;
using Registry.Core.Publishing;

namespace Registry.Cli.Internal;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(AuditReport))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
}
