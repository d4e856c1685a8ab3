using System.Net;
using System.Text;
using CommandCenter.Core.Access;
using CommandCenter.Core.Audit;
using CommandCenter.Web.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using MiniExcelLibs;

namespace CommandCenter.Web.Tests.Admin;

/// <summary>Bulk import: every row checked first, all or nothing, the sheet's own row numbers, passwords shown once.</summary>
public sealed class UserImportTests : AdminAppTest
{
    private const string Header = "用户名,姓名,角色,节点编码,初始密码\r\n";

    [Fact]
    public async Task ImportAsync_SeveralBadRows_EachRowNumberAndReason_NothingCreated()
    {
        var csv = Header
            + "li.na,李娜,处置员,330188001,\r\n"                  // row 2: good
            + "wang.fang,,Staff,330188001001,\r\n"                 // row 3: no name
            + "zhao.lei,赵磊,司机,330188001,\r\n"                  // row 4: unknown role
            + "\r\n"                                               // row 5: blank, skipped but counted
            + "sun.li,孙丽,值班员,330188999,\r\n"                  // row 6: unknown node
            + "LI.NA,李娜二,处置员,330188001,\r\n"                 // row 7: repeats row 2
            + "staff-hubin,重名,处置员,330188001,\r\n"             // row 8: exists already
            + "zhou.jie,周杰,Leader,330188001,abc\r\n"             // row 9: weak password
            + "qian.yu,钱宇,DutyOfficer,330188002,\r\n";           // row 10: outside 湖滨街道

        var result = await ImportAsync(csv, await Admins.HubinAsync(App));

        Assert.False(result.Succeeded);
        Assert.Empty(result.Created);
        Assert.Equal([3, 4, 6, 7, 8, 9, 10], result.Problems.Select(p => p.RowNumber).Distinct());
        Assert.Contains(result.Problems, p => p is { RowNumber: 3, Message: "请填写姓名。" });
        Assert.Contains(result.Problems, p => p.RowNumber == 4 && p.Message.StartsWith("无法识别角色“司机”", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p is { RowNumber: 6, Message: "城市地图中没有节点 330188999。" });
        Assert.Contains(result.Problems, p => p is { RowNumber: 7, Message: "用户名 LI.NA 与第 2 行重复。" });
        Assert.Contains(result.Problems, p => p is { RowNumber: 8, Message: "用户名 staff-hubin 已存在。" });
        Assert.Contains(result.Problems, p => p is { RowNumber: 9, Message: "密码至少需要 8 个字符。" });
        Assert.Contains(result.Problems, p => p is { RowNumber: 10, Message: "节点 望江街道 (330188002) 不在您的管辖范围（湖滨街道 (330188001)）内。" });
        await using var db = App.NewDbContext();
        Assert.False(await db.Users.AnyAsync(u => u.UserName == "li.na"));
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Subject == AuditSubject.User)); // creating admin-hubin, nothing else
    }

    [Fact]
    public async Task ImportAsync_GoodXlsx_AllCreatedWithOneTimePasswordsThatSignIn()
    {
        var rows = new[]
        {
            Row("li.na", "李娜", "处置员", "330188001", null),
            Row("wang.fang", "王芳", "Leader", "330188001001", null),
            Row("zhao.lei", "赵磊", "大屏", "330188002", "Given#2026pw"),
        };
        using var stream = new MemoryStream();
        stream.SaveAs(rows, excelType: ExcelType.XLSX);

        var sheet = UserSheets.Read(stream.ToArray(), "用户.xlsx", Text);
        var result = await App.Users().ImportAsync(sheet.Rows, await Admins.CityAsync(App));

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        Assert.Equal([2, 3, 4], result.Created.Select(u => u.RowNumber));
        Assert.Equal([Role.Staff, Role.Leader, Role.Wall], result.Created.Select(u => u.Role));
        Assert.NotNull(result.Created[0].OneTimePassword);
        Assert.NotNull(result.Created[1].OneTimePassword);
        Assert.Null(result.Created[2].OneTimePassword);
        using var client = Forms.Client(App);
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.SignInAsync(client, "wang.fang", result.Created[1].OneTimePassword!)).StatusCode);
        await using var db = App.NewDbContext();
        Assert.Equal(3, await db.AuditEntries.CountAsync(a => a.Action == AuditAction.UserCreated));
        Assert.True(await db.Users.Where(u => u.UserName == "li.na" || u.UserName == "wang.fang" || u.UserName == "zhao.lei").AllAsync(u => u.MustChangePassword));
    }

    [Fact]
    public async Task ImportAsync_GoodCsv_AllCreatedAndThePasswordsFileListsTheGeneratedOnes()
    {
        var csv = Header
            + "li.na,李娜,处置员,330188001,\r\n"
            + "\"wang.fang\",\"王芳, 网格长\",Staff,330188001001,\r\n";

        var result = await ImportAsync(csv, await Admins.CityAsync(App));

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        Assert.Equal("王芳, 网格长", result.Created[1].DisplayName);
        var passwords = Encoding.UTF8.GetString(UserSheets.PasswordsCsv(result.Created, Text));
        Assert.StartsWith("\uFEFF行号,用户名,姓名,一次性密码\r\n", passwords, StringComparison.Ordinal);
        Assert.Contains($"2,li.na,李娜,{result.Created[0].OneTimePassword}\r\n", passwords, StringComparison.Ordinal);
        Assert.Contains($"3,wang.fang,\"王芳, 网格长\",{result.Created[1].OneTimePassword}\r\n", passwords, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_CsvFromChineseExcel_InGb18030_IsDecoded()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var bytes = Encoding.GetEncoding("GB18030").GetBytes(Header + "li.na,李娜,处置员,330188001,\r\n");

        var sheet = UserSheets.Read(bytes, "users.csv", Text);

        Assert.Equal(new ImportRow(2, "li.na", "李娜", "处置员", "330188001", null), Assert.Single(sheet.Rows));
    }

    [Fact]
    public void Read_HeaderWithoutTheRoleColumn_SaysWhichColumnIsMissingOnRowOne()
    {
        var sheet = UserSheets.Read(Encoding.UTF8.GetBytes("用户名,姓名,节点编码\r\nli.na,李娜,330188001\r\n"), "users.csv", Text);

        Assert.Equal(1, Assert.Single(sheet.Problems).RowNumber);
        Assert.StartsWith("表头缺少列：角色。", sheet.Problems[0].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("users.txt", "只能导入 .xlsx 或 .csv 文件（收到的是“.txt”）。")]
    [InlineData("users.xlsx", "无法读取文件 users.xlsx：文件损坏，或并非其扩展名所示的格式。")]
    public void Read_NotASheet_SaysSoPlainly(string fileName, string message)
    {
        var sheet = UserSheets.Read(Encoding.UTF8.GetBytes("this is not a spreadsheet"), fileName, Text);

        Assert.Equal(new ImportProblem(0, message), Assert.Single(sheet.Problems));
    }

    [Theory]
    [InlineData("xlsx")]
    [InlineData("csv")]
    public async Task Template_DownloadsAndImportsAsItComes(string format)
    {
        using var admin = await App.SignedInClientAsync("admin");

        var response = await admin.GetAsync($"/admin/users/template.{format}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"users-template.{format}", response.Content.Headers.ContentDisposition?.FileName);
        var sheet = UserSheets.Read(await response.Content.ReadAsByteArrayAsync(), $"template.{format}", Text);
        Assert.Empty(sheet.Problems);
        Assert.Equal(new ImportRow(2, "zhangsan", "张三", "处置员", "330188", null), Assert.Single(sheet.Rows));
        var imported = await App.Users().ImportAsync(sheet.Rows, await Admins.CityAsync(App));
        Assert.True(imported.Succeeded, string.Join("; ", imported.Problems));
    }

    [Fact]
    public async Task Template_NeedsAnAdmin()
    {
        using var staff = await App.SignedInClientAsync("staff-hubin");

        var response = await staff.GetAsync("/admin/users/template.xlsx");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }

    private IStringLocalizer<AdminText> Text => App.Services.GetRequiredService<IStringLocalizer<AdminText>>();

    private async Task<ImportResult> ImportAsync(string csv, Administrator by)
    {
        var sheet = UserSheets.Read(Encoding.UTF8.GetBytes(csv), "users.csv", Text);
        Assert.Empty(sheet.Problems);
        return await App.Users().ImportAsync(sheet.Rows, by);
    }

    private static Dictionary<string, object?> Row(string userName, string name, string role, string node, string? password) => new()
    {
        ["用户名"] = userName,
        ["姓名"] = name,
        ["角色"] = role,
        ["节点编码"] = node,
        ["初始密码"] = password,
    };
}
