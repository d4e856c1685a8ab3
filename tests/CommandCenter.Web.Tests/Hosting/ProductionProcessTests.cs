using System.Net;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>
/// Moving in, as an operator does it: the real executable in Production on an empty data directory, the first
/// administrator from the command line, the city's own map imported, then the server started on that store.
/// </summary>
public sealed class ProductionProcessTests : IDisposable
{
    private const string Password = "Jz@Admin2026";
    private readonly TempDirectory _dir = new("cc-prod");

    private string DataDir => Path.Combine(_dir.Path, "data");

    private string[] Settings => [$"--DataDir={DataDir}"];

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task MovingIn_CreateAdmin_ImportCity_Serve_WithoutAnythingOfTheDemo()
    {
        var admin = await ProductProcess.RunAsync(["create-admin", "--user", "chief", .. Settings], Env(Password));
        Assert.True(admin.ExitCode == 0, admin.All);
        Assert.Contains("'chief' created", admin.Out, StringComparison.Ordinal);

        var again = await ProductProcess.RunAsync(["create-admin", "--user", "chief", .. Settings], Env("An0ther!Password"));
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("already exists; nothing was changed", again.Error, StringComparison.Ordinal);

        var dryRun = await ProductProcess.RunAsync(["import-city", CityMaps.PathOf(CityMaps.RiverCity), "--dry-run", .. Settings]);
        Assert.True(dryRun.ExitCode == 0, dryRun.All);
        Assert.Contains("grids: 10 (added 10, retired 0", dryRun.Out, StringComparison.Ordinal);
        Assert.Contains("warning:", dryRun.Out, StringComparison.Ordinal); // the sliver under the tolerance
        Assert.Contains("dry run: nothing was stored.", dryRun.Out, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(db => db.Nodes));

        var import = await ProductProcess.RunAsync(["import-city", CityMaps.PathOf(CityMaps.RiverCity), .. Settings]);
        Assert.True(import.ExitCode == 0, import.All);
        Assert.Contains("stored as division version 1.", import.Out, StringComparison.Ordinal);
        Assert.Equal(17, await CountAsync(db => db.Nodes));
        Assert.Equal(0, await CountAsync(db => db.Teams)); // nothing of the demo city either

        await using var server = await ProductProcess.StartAsync(DataDir);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        foreach (var asset in new[] { "_content/MudBlazor/MudBlazor.min.css", "_framework/blazor.web.js", "css/site.css" })
        {
            var response = await client.GetAsync(asset);
            Assert.True(response.StatusCode == HttpStatusCode.OK && (await response.Content.ReadAsByteArrayAsync()).Length > 1000, $"{asset}: {response.StatusCode}");
        }

        Assert.False(await SignsInAsync(server.BaseAddress, "admin", CommandCenter.Web.Access.DemoUsers.Password), "a demo user exists in Production");
        Assert.True(await SignsInAsync(server.BaseAddress, "chief", Password), server.Output);
        using var demoKey = new HttpRequestMessage(HttpMethod.Post, "api/v1/alerts") { Content = System.Net.Http.Json.JsonContent.Create(new { source = "hotline" }) };
        demoKey.Headers.Add(CommandCenter.Web.Access.ApiKeys.Header, "demo-key-hotline");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(demoKey)).StatusCode);
        Assert.Contains("江洲市", server.Output, StringComparison.Ordinal); // the start-up banner names the imported city
        Assert.DoesNotContain("Demo@2026", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishedOutput_InProduction_ServesMudBlazorBlazorAndOurOwnFiles()
    {
        var output = Path.Combine(_dir.Path, "publish");
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<configuration>/net10.0
        var publish = await ProductProcess.RunToolAsync(
            "dotnet", ["publish", Path.Combine(RepositoryPaths.Root, "src", "CommandCenter.Web"), "-c", configuration, "--no-build", "-o", output]);
        Assert.True(publish.ExitCode == 0, publish.All);
        Assert.False(File.Exists(Path.Combine(output, "CommandCenter.Web.staticwebassets.runtime.json"))); // served from its own wwwroot

        await using var server = await ProductProcess.StartAsync(DataDir, directory: output);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        foreach (var asset in new[] { "_content/MudBlazor/MudBlazor.min.css", "_content/MudBlazor/MudBlazor.min.js", "_framework/blazor.web.js", "css/site.css" })
        {
            var response = await client.GetAsync(asset);
            Assert.True(response.StatusCode == HttpStatusCode.OK && (await response.Content.ReadAsByteArrayAsync()).Length > 1000, $"{asset}: {response.StatusCode}");
        }

        var signIn = WebUtility.HtmlDecode(await client.GetStringAsync("signin"));
        Assert.Contains("城市运行指挥中心", signIn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAdmin_PasswordFromAPipe_RefusedByThePolicy_SaysWhy_AndStoresNothing()
    {
        var weak = await ProductProcess.RunAsync(["create-admin", "--user", "chief", .. Settings], input: "short");
        Assert.Equal(1, weak.ExitCode);
        Assert.Contains("the password was refused", weak.Error, StringComparison.Ordinal);
        Assert.Contains("密码至少需要 8 个字符", weak.Error, StringComparison.Ordinal); // the product's default language
        Assert.Single(weak.Error.Trim().Split('\n'));
        Assert.Equal(0, await CountAsync(db => db.Users));

        var piped = await ProductProcess.RunAsync(["create-admin", "--user", "chief", "--display-name", "指挥中心管理员", .. Settings], input: Password);
        Assert.True(piped.ExitCode == 0, piped.All);
        Assert.Equal(1, await CountAsync(db => db.Users));
    }

    [Fact]
    public async Task ImportCity_DryRunOfABrokenMap_NamesEveryProblem_ExitsNonZero_StoresNothing()
    {
        var run = await ProductProcess.RunAsync(["import-city", CityMaps.PathOf(CityMaps.BrokenCity), "--dry-run", .. Settings]);

        Assert.NotEqual(0, run.ExitCode);
        var errors = run.Out.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
        Assert.Contains(errors, e => e.Contains("440399002002001", StringComparison.Ordinal) && e.Contains("overlap", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(errors, e => e.Contains("gap", StringComparison.OrdinalIgnoreCase) && e.Contains("m²", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("440399001009001", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("440399002001002", StringComparison.Ordinal) && e.Contains("twice", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("nothing was stored", run.Error, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(db => db.Nodes));
        Assert.Equal(0, await CountAsync(db => db.Divisions));
    }

    [Fact]
    public async Task Verbs_WrongCommandLine_ExitWithUsage()
    {
        var unknown = await ProductProcess.RunAsync(["frobnicate", .. Settings]);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("create-admin, import-city", unknown.Error, StringComparison.Ordinal);

        var noUser = await ProductProcess.RunAsync(["create-admin", .. Settings], Env(Password));
        Assert.Equal(2, noUser.ExitCode);
        Assert.Contains("--user NAME is needed", noUser.Error, StringComparison.Ordinal);

        var noFile = await ProductProcess.RunAsync(["import-city", "--dry-run", .. Settings]);
        Assert.Equal(2, noFile.ExitCode);
    }

    private static Dictionary<string, string?> Env(string password) => new() { [ProductProcess.PasswordVariable] = password };

    private async Task<int> CountAsync<T>(Func<CommandCenterDbContext, IQueryable<T>> set)
    {
        var options = new DbContextOptionsBuilder<CommandCenterDbContext>().UseSqlite($"Data Source={Path.Combine(DataDir, "commandcenter.db")};Pooling=False").Options;
        await using var db = new CommandCenterDbContext(options);
        return File.Exists(Path.Combine(DataDir, "commandcenter.db")) ? await set(db).CountAsync() : 0;
    }

    private static async Task<bool> SignsInAsync(Uri baseAddress, string userName, string password)
    {
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress };
        var page = await client.GetStringAsync("signin");
        var form = new Dictionary<string, string> { ["Form.UserName"] = userName, ["Form.Password"] = password };
        foreach (System.Text.RegularExpressions.Match hidden in System.Text.RegularExpressions.Regex.Matches(page, "<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\""))
        {
            form[hidden.Groups[1].Value] = WebUtility.HtmlDecode(hidden.Groups[2].Value);
        }

        var response = await client.PostAsync("signin", new FormUrlEncodedContent(form));
        return response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found;
    }
}
