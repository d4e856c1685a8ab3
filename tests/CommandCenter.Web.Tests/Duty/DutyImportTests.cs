using System.Text;
using CommandCenter.Core.Duty;
using CommandCenter.Infrastructure.Duty;
using CommandCenter.Testing;
using CommandCenter.Web.Access;
using CommandCenter.Web.Duty;
using CommandCenter.Web.Tests.Wall;
using MiniExcelLibs;

namespace CommandCenter.Web.Tests.Duty;

/// <summary>Duty sheets read into rosters: one row per person per shift of a cycle day, XLSX or CSV alike.</summary>
public sealed class DutyImportTests : WallTestContext
{
    public const string Header = "节点编码,轮换起始日,轮值日,班次,开始,结束,职责,姓名,电话,账号\r\n";

    private const string Hubin = "330188001";
    private const string HeFeng = "330188001002";
    private static readonly DateOnly Today = new(2026, 11, 27);

    private static readonly string[][] Rows =
    [
        [Hubin, "2026-11-01", "1", "白班", "08:00", "20:00", "值班", "张伟", "13800000001", "duty-hubin"],
        [Hubin, "2026-11-01", "1", "白班", "08:00", "20:00", "带班", "王强", "13900000001", ""],
        [Hubin, "2026-11-01", "1", "夜班", "20:00", "08:00", "值班", "李娜", "13800000002", ""],
        [Hubin, "2026-11-01", "2", "白班", "08:00", "20:00", "", "李娜", "13800000002", ""],
        [HeFeng, "", "1", "全天", "00:00", "24:00", "值班", "赵敏", "", "zhaomin"],
    ];

    [Fact]
    public async Task Read_GoodCsv_GivesEachNodesRosterAndImportsIt()
    {
        await UseStoreAsync();
        var csv = Header + string.Concat(Rows.Select(r => string.Join(",", r) + "\r\n"));

        var sheet = Read(Encoding.UTF8.GetBytes(csv), "值班表.csv");

        Assert.Empty(sheet.Problems);
        AssertExpected(sheet);
        var imported = await Store.Get<DutyRosterAdministration>().ImportAsync(sheet.Rosters, "值班表.csv", DutyRosters.CityAdmin);
        Assert.True(imported.Done);
        var watch = await Store.Get<IDutyDirectory>().OnDutyAsync(Hubin, StoreHost.Start, CancellationToken.None);
        Assert.Equal(("白班", "张伟", "王强"), (watch!.Shift.Name, Assert.Single(watch.Crew.OnDuty).Name, watch.Crew.Leader!.Name));
    }

    [Fact]
    public async Task Read_GoodXlsx_GivesTheSameRostersAsTheCsv()
    {
        await UseStoreAsync();
        var headers = Header.TrimEnd().Split(',');
        var records = Rows.Select(row =>
        {
            var record = new Dictionary<string, object?>();
            for (var i = 0; i < headers.Length; i++)
            {
                // Excel keeps a typed date as a date, a typed time as the fraction of a day and a typed number as a number: all must read as written.
                record[headers[i]] = i switch
                {
                    1 when row[i].Length > 0 => DateTime.Parse(row[i], System.Globalization.CultureInfo.InvariantCulture),
                    2 or 8 when row[i].Length > 0 => double.Parse(row[i], System.Globalization.CultureInfo.InvariantCulture),
                    4 or 5 when row[i] != "24:00" => TimeSpan.Parse(row[i], System.Globalization.CultureInfo.InvariantCulture).TotalDays, // a time cell holds the fraction of a day
                    _ => row[i],
                };
            }

            return record;
        }).ToList();
        using var stream = new MemoryStream();
        stream.SaveAs(records, excelType: ExcelType.XLSX);

        var sheet = Read(stream.ToArray(), "值班表.xlsx");

        Assert.Empty(sheet.Problems);
        AssertExpected(sheet);
    }

    [Theory]
    [InlineData(SheetFormat.Csv, "duty-template.csv")]
    [InlineData(SheetFormat.Xlsx, "duty-template.xlsx")]
    public async Task Template_ReadsBackAsAValidRoster(SheetFormat format, string fileName)
    {
        await UseStoreAsync();

        var sheet = Read(DutySheets.Template(format, Hubin, Today), fileName);

        Assert.Empty(sheet.Problems);
        var roster = Assert.Single(sheet.Rosters);
        Assert.Equal((Hubin, 2), (roster.Key, roster.Value.Rotation.Days.Count));
    }

    private DutySheet Read(byte[] content, string fileName) =>
        DutySheets.Read(content, fileName, Store.Get<DutyRosterAdministration>(), Reference, DutyRosters.CityAdmin, Today);

    private static void AssertExpected(DutySheet sheet)
    {
        Assert.Equal([Hubin, HeFeng], sheet.Rosters.Keys.Order(StringComparer.Ordinal));
        var hubin = sheet.Rosters[Hubin];
        Assert.Equal([new DutyShift("白班", new(8, 0), new(20, 0)), new DutyShift("夜班", new(20, 0), new(8, 0))], hubin.Shifts);
        Assert.Equal(new DateOnly(2026, 11, 1), hubin.Rotation.Anchor);
        Assert.Equal(2, hubin.Rotation.Days.Count);
        Assert.Equal(new DutyCrew([new DutyPerson("张伟", "13800000001", "duty-hubin")], new DutyPerson("王强", "13900000001")), hubin.Rotation.Days[0]["白班"], CrewComparer.Instance);
        Assert.Equal([new DutyPerson("李娜", "13800000002")], hubin.Rotation.Days[0]["夜班"].OnDuty);
        Assert.Equal([new DutyPerson("李娜", "13800000002")], hubin.Rotation.Days[1]["白班"].OnDuty);
        Assert.False(hubin.Rotation.Days[1].ContainsKey("夜班"));
        var heFeng = sheet.Rosters[HeFeng];
        Assert.Equal([new DutyShift("全天", new(0, 0), new(0, 0))], heFeng.Shifts);
        Assert.Equal(Today, heFeng.Rotation.Anchor);
        Assert.Equal([new DutyPerson("赵敏", null, "zhaomin")], heFeng.Rotation.Days[0]["全天"].OnDuty);
    }

    /// <summary>Crews compare by their people: the records hold lists, which compare by reference.</summary>
    private sealed class CrewComparer : IEqualityComparer<DutyCrew>
    {
        public static readonly CrewComparer Instance = new();

        public bool Equals(DutyCrew? x, DutyCrew? y) => x is not null && y is not null && x.OnDuty.SequenceEqual(y.OnDuty) && x.Leader == y.Leader;

        public int GetHashCode(DutyCrew obj) => obj.OnDuty.Count;
    }
}
