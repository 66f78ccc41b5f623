// Removed once the first conversion lands.
namespace btk { void messages_placeholder() {} }
