using Google.Protobuf.Reflection;

namespace Mappa.Security;

/// <summary>
/// Sends the audit entries of one proto package's methods (e.g. <c>mappa.scheduling.v1</c>) to that service's own
/// sink. In the embedded suite several modules share one gRPC port and one interceptor, and each keeps its audit log
/// in its own database; methods of a package without a route go to the default <see cref="IAuditSink"/>.
/// </summary>
/// <param name="ProtoPackage">The package of the methods this route takes, e.g. "mappa.scheduling.v1".</param>
/// <param name="Resolve">Finds the sink in the call's scope (so a scoped sink can share the call's database context).</param>
public sealed record AuditSinkRoute(string ProtoPackage, Func<IServiceProvider, IAuditSink> Resolve)
{
    /// <summary>The package whose route serves <paramref name="method"/>.</summary>
    public static string PackageOf(MethodDescriptor method) => method.Service.File.Package;
}
