using Google.Protobuf.Reflection;

namespace Mappa.Grpc.Reflection;

/// <summary>Every file reachable from the mapped services, indexed by file name, symbol and extension.</summary>
internal sealed class DescriptorIndex
{
    private readonly Dictionary<string, FileDescriptor> _filesByName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileDescriptor> _filesBySymbol = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Extendee, int Number), FileDescriptor> _filesByExtension = [];
    private readonly Dictionary<string, SortedSet<int>> _extensionNumbers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _messageTypes = new(StringComparer.Ordinal);

    public DescriptorIndex(IEnumerable<ServiceDescriptor> services)
    {
        ServiceNames = [.. services.Select(s => s.FullName).Order(StringComparer.Ordinal)];
        foreach (var service in services)
        {
            AddFile(service.File);
        }
    }

    public IReadOnlyList<string> ServiceNames { get; }

    public FileDescriptor? FindFile(string name) => _filesByName.GetValueOrDefault(name);

    public FileDescriptor? FindFileContainingSymbol(string symbol) => _filesBySymbol.GetValueOrDefault(symbol.TrimStart('.'));

    public FileDescriptor? FindFileContainingExtension(string extendee, int number) =>
        _filesByExtension.GetValueOrDefault((extendee.TrimStart('.'), number));

    /// <summary>Extension numbers of a message type known here, or null if the type is unknown.</summary>
    public IReadOnlyCollection<int>? FindExtensionNumbers(string messageType)
    {
        messageType = messageType.TrimStart('.');
        if (_extensionNumbers.TryGetValue(messageType, out var numbers))
        {
            return numbers;
        }
        return _messageTypes.Contains(messageType) ? [] : null;
    }

    private void AddFile(FileDescriptor file)
    {
        if (!_filesByName.TryAdd(file.Name, file))
        {
            return;
        }
        foreach (var dependency in file.Dependencies)
        {
            AddFile(dependency);
        }
        foreach (var service in file.Services)
        {
            _filesBySymbol.TryAdd(service.FullName, file);
            foreach (var method in service.Methods)
            {
                _filesBySymbol.TryAdd(method.FullName, file);
            }
        }
        foreach (var message in file.MessageTypes)
        {
            AddMessage(message, file);
        }
        foreach (var enumType in file.EnumTypes)
        {
            AddEnum(enumType, file);
        }
        AddExtensions(file.Extensions.UnorderedExtensions, file);
    }

    private void AddMessage(MessageDescriptor message, FileDescriptor file)
    {
        _filesBySymbol.TryAdd(message.FullName, file);
        _messageTypes.Add(message.FullName);
        foreach (var field in message.Fields.InDeclarationOrder())
        {
            _filesBySymbol.TryAdd(field.FullName, file);
        }
        foreach (var oneof in message.Oneofs)
        {
            _filesBySymbol.TryAdd(oneof.FullName, file);
        }
        foreach (var nested in message.NestedTypes)
        {
            AddMessage(nested, file);
        }
        foreach (var enumType in message.EnumTypes)
        {
            AddEnum(enumType, file);
        }
        AddExtensions(message.Extensions.UnorderedExtensions, file);
    }

    private void AddEnum(EnumDescriptor enumType, FileDescriptor file)
    {
        _filesBySymbol.TryAdd(enumType.FullName, file);
        foreach (var value in enumType.Values)
        {
            _filesBySymbol.TryAdd(value.FullName, file);
        }
    }

    private void AddExtensions(IEnumerable<FieldDescriptor> extensions, FileDescriptor file)
    {
        foreach (var extension in extensions)
        {
            _filesBySymbol.TryAdd(extension.FullName, file);
            var extendee = extension.ExtendeeType.FullName;
            _filesByExtension.TryAdd((extendee, extension.FieldNumber), file);
            if (!_extensionNumbers.TryGetValue(extendee, out var numbers))
            {
                numbers = [];
                _extensionNumbers.Add(extendee, numbers);
            }
            numbers.Add(extension.FieldNumber);
        }
    }
}
