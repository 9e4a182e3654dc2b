import Core

/// The `analysis` module: principal components and how well labelled groups separate, for looking at
/// hidden states and editor gradients.
enum AnalysisModule: LuaModule {
    static let name: String? = "analysis"
    static let summary = "PCA and cluster separation scores of samples (rows of a Tensor, or a list of Tensors)."

    static func register(in module: LuaModuleBuilder) throws {
        module.function("pca", signature: "analysis.pca(X [, k]) -> {coords=, components=, explained_variance=, explained_variance_ratio=, mean=, total_variance=}",
                        summary: "Principal component analysis of the rows of X [n, d] (or a list of n tensors of one size, flattened), keeping k components (default 2): coords [n, k], components [k, d] (unit rows), variances per component.",
                        example: "p = analysis.pca(H, 2); plot.scatter{x = p.coords:select(2, 1), y = p.coords:select(2, 2)}") { args in
            let samples = try samples(args, 1)
            let k = try args.optInt(2, default: 2)
            guard k >= 1 else { throw args.error(2, "at least 1 component expected, got \(k)") }
            let result = try args.blaming(k > min(samples.count, samples.features) ? 2 : 1) {
                switch samples {
                case .rows(let x): try PCA.fit(x, components: k)
                case .list(let l): try PCA.fit(samples: l, components: k)
                }
            }
            return [[
                "coords": TensorModule.value(result.coordinates),
                "components": TensorModule.value(result.components),
                "explained_variance": LuaValue(result.explainedVariance.data),
                "explained_variance_ratio": LuaValue(result.explainedVarianceRatio.data),
                "mean": TensorModule.value(result.mean),
                "total_variance": .number(result.totalVariance),
            ]]
        }
        module.function("silhouette", signature: "analysis.silhouette(points, labels) -> score, {{label=, score=, count=}, ...}",
                        summary: "Mean silhouette (-1..1; near 1 when groups are tight and far apart) of points [n, d] (or a list of tensors) with one label per point, and the mean per label in order of first appearance.",
                        example: "s, per = analysis.silhouette(H, {'a', 'a', 'b', 'b'})") { args in
            let (points, labels) = try (samples(args, 1), labels(args, 2))
            let result = try args.blaming(2) {
                switch points {
                case .rows(let x): try ClusterSeparation.silhouette(x, labels: labels)
                case .list(let l): try ClusterSeparation.silhouette(samples: l, labels: labels)
                }
            }
            let perCluster = result.perCluster.map { c -> LuaValue in
                ["label": .string(c.label), "score": .number(c.score), "count": .int(c.count)]
            }
            return [.number(result.score), .array(perCluster)]
        }
        module.function("separation", signature: "analysis.separation(points, labels) -> number",
                        summary: "Between-group over within-group sum of squares of points [n, d] (or a list of tensors) with one label per point: larger means better separated (math.huge when each group is one repeated point).",
                        example: "analysis.separation(H, {'a', 'a', 'b', 'b'})") { args in
            let (points, labels) = try (samples(args, 1), labels(args, 2))
            let x: Tensor
            switch points {
            case .rows(let rows): x = rows
            case .list(let list):
                let d = list.first?.count ?? 0
                try args.checkShape([list.count, d], at: 1)
                x = Tensor(shape: [list.count, d], data: list.flatMap(\.data))
            }
            return [.number(try args.blaming(2) { try ClusterSeparation.varianceRatio(x, labels: labels) })]
        }
    }

    private static func samples(_ args: LuaArgs, _ index: Int) throws -> TensorModule.Samples {
        guard args.kind(index) == .table || args.kind(index) == .userdata else { throw args.typeError(index, expected: "Tensor or table") }
        do {
            return try TensorModule.samples(args.value(index))
        } catch let e as InstructEditError {
            throw args.error(index, e.message)
        }
    }

    private static func labels(_ args: LuaArgs, _ index: Int) throws -> [String] {
        guard args.kind(index) == .table || args.kind(index) == .userdata else { throw args.typeError(index, expected: "table") }
        do {
            return try TensorModule.labels(args.value(index))
        } catch let e as InstructEditError {
            throw args.error(index, e.message)
        }
    }
}
