using CommandCenter.Testing;

namespace CommandCenter.Web.Tests.Api;

/// <summary>Builds alert request bodies as outside systems send them; each test changes only what it is about.</summary>
internal static class AlertRequests
{
    public static readonly string Grid = DemoCity.GridCode(0, 0, 1);

    public static Dictionary<string, object?> Valid(string externalId, string? gridCode = null, string category = "0301", string severity = "major") => new()
    {
        ["source"] = "gridWorker",
        ["externalId"] = externalId,
        ["category"] = category,
        ["severity"] = severity,
        ["gridCode"] = gridCode ?? Grid,
        ["occurredAt"] = StoreHost.Start.AddMinutes(-10).ToString("O"),
        ["title"] = "楼道堆放杂物",
        ["description"] = "3号楼1单元楼道堆放大量纸箱，存在消防隐患。",
        ["reporter"] = new Dictionary<string, object?> { ["name"] = "张网格", ["phone"] = "13800000000" },
    };

    public static Dictionary<string, object?> With(this Dictionary<string, object?> body, string key, object? value)
    {
        body[key] = value;
        return body;
    }

    public static Dictionary<string, object?> Without(this Dictionary<string, object?> body, string key)
    {
        body.Remove(key);
        return body;
    }
}
