using CommandCenter.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddCommandCenter();

var app = builder.Build();
app.UseCommandCenter();
app.Run();

/// <summary>Visible to tests (WebApplicationFactory).</summary>
public partial class Program;
