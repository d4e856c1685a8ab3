namespace CommandCenter.Core.Hierarchy;

/// <summary>A named person with an optional phone: a node's responsible person, a grid worker, a reporter.</summary>
public sealed record Person(string Name, string? Phone = null);
