using Npgsql;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Ktriage.TestSupport;

/// <summary>The PostgreSQL server tests run against: <c>KTRIAGE_TEST_PG</c> (a postgres:// URL of a database the
/// tests may create databases from), set by <c>.ci/run</c> through <c>.ci/postgres.sh</c>.</summary>
public static class TestPostgres
{
    public const string Variable = "KTRIAGE_TEST_PG";
    public static string? Url => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } u ? u : null;
    public const string SkipReason = $"{Variable} is not set: no PostgreSQL server to test against (.ci/run starts one; locally: eval \"$(.ci/postgres.sh start)\")";

    /// <summary>The admin URL with another database name.</summary>
    public static string WithDatabase(string url, string database) => new UriBuilder(url) { Path = "/" + database }.Uri.ToString();
}

/// <summary>A fresh, empty database on the test server, dropped on Dispose.</summary>
public sealed class TestDatabase : IDisposable
{
    public string Name { get; } = "kt_" + Guid.NewGuid().ToString("N")[..16];
    public string Url { get; }
    readonly string admin;

    public TestDatabase()
    {
        var url = TestPostgres.Url ?? throw new InvalidOperationException(TestPostgres.SkipReason);
        admin = Ktriage.Store.Postgres.PostgresArchiveStore.ConnectionString(url);
        Url = TestPostgres.WithDatabase(url, Name);
        Run($"CREATE DATABASE {Name}");
    }

    void Run(string sql)
    {
        using var conn = new NpgsqlConnection(admin);
        conn.Open();
        using var cmd = new NpgsqlCommand(sql, conn);
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        Run($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }
}

/// <summary>On a test class: its tests need the PostgreSQL test server and skip with a clear message without it.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class NeedsPostgresAttribute : Attribute;

/// <summary>A fact of a test class hierarchy run once per store: skipped when the concrete class is marked
/// <see cref="NeedsPostgresAttribute"/> and no server is configured (an attribute alone cannot see the class).
/// <paramref name="required"/>: files of ../shared the test needs, as <see cref="SharedFactAttribute"/>.</summary>
[XunitTestCaseDiscoverer("Ktriage.TestSupport.StoreFactDiscoverer", "TestSupport")]
public sealed class StoreFactAttribute : FactAttribute
{
    public StoreFactAttribute(params string[] required)
    {
        var missing = required.Where(r => !SharedData.Has(r)).ToList();
        if (missing.Count > 0)
            Skip = $"needs ../shared/{string.Join(", ../shared/", missing)} (not present in this checkout)";
    }
}

public sealed class StoreFactDiscoverer(IMessageSink sink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions options, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var needsPg = testMethod.TestClass.Class.ToRuntimeType().IsDefined(typeof(NeedsPostgresAttribute), true);
        yield return new StoreTestCase(sink, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), testMethod,
            needsPg && TestPostgres.Url is null ? TestPostgres.SkipReason : null);
    }
}

public sealed class StoreTestCase : XunitTestCase
{
    string? skip;

    [Obsolete("for deserialization only")]
    public StoreTestCase() { }

    public StoreTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod method, string? skip)
        : base(sink, display, displayOptions, method) => this.skip = skip;

    protected override string? GetSkipReason(IAttributeInfo factAttribute) => skip ?? base.GetSkipReason(factAttribute);

    public override void Serialize(IXunitSerializationInfo data)
    {
        base.Serialize(data);
        data.AddValue("skip", skip);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        // Before the base: it computes the skip reason as it deserializes.
        skip = data.GetValue<string?>("skip");
        base.Deserialize(data);
    }
}
