namespace Registry.Core.Publishing;

/// <summary>Which roles a refresh re-signs, and which expire soon without their keys at hand.</summary>
public sealed record RefreshPlan(IReadOnlyList<string> Resigned, IReadOnlyList<string> MissingKeys);
