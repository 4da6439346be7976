using System.Text.Json.Serialization;

namespace Registry.Core.Tuf;

[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(RootMetadata))]
[JsonSerializable(typeof(TimestampMetadata))]
[JsonSerializable(typeof(SnapshotMetadata))]
[JsonSerializable(typeof(TargetsMetadata))]
[JsonSerializable(typeof(TufKey))]
[JsonSerializable(typeof(Signature))]
public sealed partial class TufJsonContext : JsonSerializerContext
{
}
