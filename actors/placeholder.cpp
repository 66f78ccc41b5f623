// Removed once the first actor lands.
namespace btk { void actors_placeholder() {} }
