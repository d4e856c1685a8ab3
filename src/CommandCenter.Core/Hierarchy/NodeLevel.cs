namespace CommandCenter.Core.Hierarchy;

/// <summary>Administrative levels, top down: 市 → 镇街 → 社区/村 → 网格.</summary>
public enum NodeLevel
{
    City = 0,
    Town = 1,
    Community = 2,
    Grid = 3,
}

/// <summary>What a node is on the ground: a street or a town, a community or a village, an urban or a rural grid.</summary>
public enum NodeKind
{
    City,
    Street,
    Town,
    Community,
    Village,
    Urban,
    Rural,
}
