// swift-tools-version:6.0
import PackageDescription

// Core ← Bindings ← REPL. Core knows nothing of Lua or terminals; Bindings turns Core into Lua
// values; the executable owns line editing, printing and the command line.
let optimise: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]

let package = Package(
    name: "InstructEdit",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "instructedit", targets: ["instructedit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", path: "Sources/Core/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/Core/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLua", path: "Sources/Bindings/CLua", pkgConfig: "lua5.4",
                       providers: [.apt(["liblua5.4-dev"])]),
        .systemLibrary(name: "CEditline", path: "Sources/REPL/CEditline", pkgConfig: "libedit",
                       providers: [.apt(["libedit-dev"])]),
        // The linear-layer kernel in C: AVX2/FMA chosen at run time (Swift alone would stop at SSE2).
        .target(name: "CKernels", path: "Sources/CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "Core", dependencies: ["CBLAS", "CZlib", "CKernels"], path: "Sources/Core",
                exclude: ["CBLAS", "CZlib"], resources: [.copy("Resources")], swiftSettings: optimise),
        .target(name: "Bindings", dependencies: ["Core", "CLua"], path: "Sources/Bindings",
                exclude: ["CLua"], swiftSettings: optimise),
        .executableTarget(name: "instructedit", dependencies: ["Bindings", "Core", "CEditline",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Sources/REPL", exclude: ["CEditline"], swiftSettings: optimise),
        // Tiny random-weight models for tests, so no test needs a download; not part of the product.
        .target(name: "TestSupport", dependencies: ["Core"], path: "Tests/TestSupport"),
        .testTarget(name: "CoreTests", dependencies: ["Core", "CKernels", "TestSupport"], path: "Tests/CoreTests"),
        .testTarget(name: "BindingsTests", dependencies: ["Bindings", "Core", "TestSupport"], path: "Tests/BindingsTests"),
        .testTarget(name: "REPLTests", dependencies: ["Core", "TestSupport"], path: "Tests/REPLTests"),
    ]
)
