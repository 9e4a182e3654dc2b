import Core
import Foundation

HeapReuse.enable()
exit(CommandLineTool.main(Array(CommandLine.arguments.dropFirst())))
